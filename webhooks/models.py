import base64
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agency.events import EVENTS


def new_secret() -> str:
    """A Standard Webhooks signing secret: "whsec_" + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Subscription(models.Model):
    """An admin's subscription of one URL to some events (agency.events.EVENTS).

    Payloads carry only what `owner` may see (webhooks.payloads). Disabled
    after MAX_CONSECUTIVE_FAILURES failed attempts in a row; the owner is told.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.description or self.url

    def get_absolute_url(self):
        return reverse("admin:webhooks_subscription_change", args=[self.pk])

    def event_labels(self) -> str:
        return ", ".join(str(EVENTS.get(e, e)) for e in self.events)


class Delivery(models.Model):
    """One event for one subscription. Its `event_id` is the webhook-id header
    and the same on every attempt (receivers deduplicate on it)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # queued or waiting for a retry
        SUCCEEDED = "succeeded", _("Delivered")  # a 2xx answer
        FAILED = "failed", _("Failed")  # retries used up, or the subscription was disabled

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.CharField(_("event id"), max_length=64)
    event_type = models.CharField(_("event"), max_length=40)
    # The exact body signed and sent, fixed when the event happened: a retry
    # sends the same bytes as the first attempt.
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same event is delivered once per subscription.
            models.UniqueConstraint(
                fields=["event_id", "subscription"], name="webhook_delivery_once"
            ),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class Attempt(models.Model):
    """One try at sending a delivery: the delivery log the admin reads."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"#{self.number} {self.status_code or self.error}"
