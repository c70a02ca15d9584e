"""A channel is one group bot (WeCom, DingTalk, Feishu); a delivery is one post to it.

Delivery rows are the channel's outbox and its exactly-once log: one row per
(channel, event key), inserted in the transaction that sends the email
(agency.notifications.channel_senders), claimed under a row lock while the
HTTP post is made and marked SENT in that same transaction.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agency.roles import ACCOUNT_SERVICE, CREATIVES, Role

from . import crypto


class Department(models.TextChoices):
    """A department is the people of some agency roles (there is no department table)."""

    ACCOUNTS = "accounts", _("Account service")
    CREATIVE = "creative", _("Creative")
    PLANNING = "planning", _("Planning")
    MEDIA = "media", _("Media")
    TRAFFIC = "traffic", _("Traffic")
    FINANCE = "finance", _("Finance")
    MANAGEMENT = "management", _("Management")


DEPARTMENT_ROLES = {
    Department.ACCOUNTS: ACCOUNT_SERVICE,
    Department.CREATIVE: CREATIVES,
    Department.PLANNING: frozenset({Role.PLANNER}),
    Department.MEDIA: frozenset({Role.MEDIA}),
    Department.TRAFFIC: frozenset({Role.TRAFFIC}),
    Department.FINANCE: frozenset({Role.FINANCE}),
    Department.MANAGEMENT: frozenset({Role.MD, Role.BD}),
}


class Channel(models.Model):
    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom")
        DINGTALK = "dingtalk", _("DingTalk")
        FEISHU = "feishu", _("Feishu")

    class Scope(models.TextChoices):
        CLIENT = "client", _("Client team")
        DEPARTMENT = "department", _("Department")
        AGENCY = "agency", _("Agency")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Both write-only (crypto.py): the WeCom key is in the URL.
    webhook_url_encrypted = models.TextField(editable=False)
    secret_encrypted = models.TextField(blank=True, editable=False)
    webhook_hint = models.CharField(
        _("webhook"), max_length=200, editable=False, help_text=_("Host and path, token hidden.")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    client = models.ForeignKey(
        "accounts.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bot_channels",
    )
    department = models.CharField(
        _("department"), max_length=12, choices=Department.choices, blank=True
    )
    routes = models.JSONField(_("notification kinds"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scope", "name"]
        verbose_name = _("bot channel")
        verbose_name_plural = _("bot channels")
        constraints = [
            models.CheckConstraint(
                name="channel_scope_target",
                condition=(
                    models.Q(scope="client", client__isnull=False, department="")
                    | models.Q(scope="department", client__isnull=True) & ~models.Q(department="")
                    | models.Q(scope="agency", client__isnull=True, department="")
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("channels_bots:detail", args=[self.pk])

    # write-only secrets ------------------------------------------------------

    @property
    def webhook_url(self) -> str:
        return crypto.decrypt(self.webhook_url_encrypted)

    @webhook_url.setter
    def webhook_url(self, url: str) -> None:
        self.webhook_url_encrypted = crypto.encrypt(url)
        parts = urlsplit(url)
        self.webhook_hint = f"{parts.scheme}://{parts.netloc}{_hint_path(self.kind, parts.path)}"

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    @property
    def target_label(self) -> str:
        if self.scope == self.Scope.CLIENT:
            return str(self.client)
        if self.scope == self.Scope.DEPARTMENT:
            return self.get_department_display()
        return str(_("Agency"))

    @property
    def sees_amounts(self) -> bool:
        """Finance and agency-wide channels may carry amounts (of billing kinds)."""
        return self.scope == self.Scope.AGENCY or (
            self.scope == self.Scope.DEPARTMENT and self.department == Department.FINANCE
        )


def _hint_path(kind: str, path: str) -> str:
    """The path without the Feishu token (WeCom and DingTalk keep theirs in the query)."""
    if kind == Channel.Kind.FEISHU and "/hook/" in path:
        return path.rsplit("/hook/", 1)[0] + "/hook/…"
    return path


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FOLDED = "folded", _("Folded into a digest")
        DIGESTED = "digested", _("Sent in a digest")
        FAILED = "failed", _("Failed, will retry")
        ABANDONED = "abandoned", _("Failed, given up")
        SKIPPED = "skipped", _("Skipped")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    event_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    url = models.CharField(max_length=500, blank=True)
    # The card's lines, written in the channel's language when the row is (routing.py).
    label = models.CharField(max_length=200, blank=True)
    step = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    amount = models.CharField(max_length=100, blank=True)
    is_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)  # last HTTP post (rate limit)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("channel delivery")
        verbose_name_plural = _("channel deliveries")
        constraints = [
            models.UniqueConstraint(fields=["channel", "event_key"], name="delivery_once"),
        ]
        indexes = [
            models.Index(fields=["channel", "posted_at"], name="delivery_rate"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_pending"),
        ]

    def __str__(self):
        return f"{self.channel} · {self.kind} · {self.get_status_display()}"
