"""Cross-cutting tables every app uses: the object timeline and the inbox."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimelineEvent(models.Model):
    """One step in an object's history: who did what, when, with which comment.

    Written by services in the same transaction as the change it records, so
    the timeline never disagrees with the object's state.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self):
        return f"{self.action} @ {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notification; also the outbox row of its email.

    Subject and bodies are rendered in the recipient's language when the
    notification is created, so the email task only loads and sends (by id).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    send_email = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["content_type", "object_id"]),
            # the sweep's "emails never queued" pass reads only unsent rows
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=models.Q(send_email=True, emailed_at__isnull=True),
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.subject


class ReminderLog(models.Model):
    """One reminder occurrence: the exactly-once ledger of agency/reminders.

    The unique key (kind, object, occurrence) is claimed BEFORE anything is
    sent: the first sweep to insert the row (or to take over an expired or
    failed claim with a conditional UPDATE) owns it; every other sweep, retried
    task or second worker sees the row and skips it. The inbox rows are created
    in the same transaction that marks the row sent, so they exist exactly once.
    """

    class Status(models.TextChoices):
        # a sweep owns it until claimed_until; after that a later sweep may take over
        CLAIMED = "claimed", _("claimed")
        # inbox rows created and emails queued: never sent again
        SENT = "sent", _("sent")
        # the last attempt raised; retried by later sweeps until MAX_ATTEMPTS
        FAILED = "failed", _("failed")
        # failed MAX_ATTEMPTS times: left for a human (`send_reminders --failures`)
        ABANDONED = "abandoned", _("abandoned")
        # no longer relevant when retried (invoice paid, meeting cancelled...)
        SKIPPED = "skipped", _("skipped")

    kind = models.CharField(_("kind"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # Which step of the rule: "overdue-30", "before-24h", "2026-11-27" (daily)...
    occurrence = models.CharField(_("occurrence"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    # A random token per claim so a sweep whose claim was taken over cannot
    # mark the row sent on the new owner's behalf.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    recipient_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "occurrence"],
                name="reminderlog_unique_occurrence",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="reminderlog_sent_has_sent_at",
            ),
        ]
        indexes = [
            # the retry pass: expired claims and failed rows only (partial: tiny)
            models.Index(
                fields=["claimed_until"],
                name="reminderlog_retry_idx",
                condition=models.Q(status__in=["claimed", "failed"]),
            ),
            # reminders_for(obj): what was sent about this object
            models.Index(
                fields=["content_type", "object_id", "sent_at"], name="reminderlog_obj_idx"
            ),
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return (
            f"{self.kind} {self.content_type_id}:{self.object_id} {self.occurrence} ({self.status})"
        )


class WorkdayOverride(models.Model):
    """One day whose working status differs from the official calendar.

    The State Council's holiday notice (with its make-up working days, 调休)
    comes from the `chinesecalendar` package; an admin records here what the
    package does not know yet (next year's notice, published late in the
    year) or what the agency does differently (a company outing, a local
    holiday). See agency/workdays.py.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"), help_text=_("Ticked: people work that day (e.g. a make-up Saturday).")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self):
        label = _("working day") if self.is_workday else _("day off")
        return f"{self.date} · {label}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget_overrides()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_overrides()
        return result


def _forget_overrides():
    # Cache invalidation only (not business logic): the next lookup reloads.
    from .workdays import forget_overrides

    forget_overrides()
