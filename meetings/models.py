"""Meetings, presentations (提案) with their rounds and rehearsals, calendar feeds.

A presentation is staged as a series of *rounds*; each round is presented in
one meeting of kind "presentation". A rehearsal is an internal meeting of
kind "rehearsal" linked to the presentation meeting it prepares.

Other apps read these fields:
- billing links time entries to a Meeting and a PresentationRound;
- reminders read Meeting.start, Meeting.agenda_sent_at, rehearsals
  (Meeting.rehearsal_for + Meeting.held_at) and ActionItem.due_date/done_at.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agency.dates import safe_end

# The handbook: even a 30-minute rehearsal changes everything; less is refused.
REHEARSAL_MIN_MINUTES = 30


class Meeting(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", _("Client meeting")
        INTERNAL = "internal", _("Internal meeting")
        PRESENTATION = "presentation", _("Presentation")
        REHEARSAL = "rehearsal", _("Rehearsal")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")  # being prepared; agenda may or may not be sent
        HELD = "held", _("Held")  # took place; minutes being written
        CLOSED = "closed", _("Closed")  # conclusions written; minutes locked
        CANCELLED = "cancelled", _("Cancelled")  # called off; kept for history

    client = models.ForeignKey(
        "accounts.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=_("Leave empty for an internal meeting not tied to a client."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLIENT)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    start = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    # A rehearsal points at the presentation meeting it prepares.
    rehearsal_for = models.ForeignKey(
        "self",
        verbose_name=_("rehearsal for"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rehearsals",
    )
    agenda_sent_at = models.DateTimeField(_("agenda sent at"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(fields=["client", "start"]),
            models.Index(fields=["start"]),
            models.Index(fields=["kind", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="meeting_duration_range",
                violation_error_message=_("A meeting lasts between 1 minute and 24 hours."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="rehearsal") | models.Q(rehearsal_for__isnull=False),
                name="meeting_rehearsal_has_presentation",
                violation_error_message=_("A rehearsal belongs to a presentation."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="rehearsal") | models.Q(rehearsal_for__isnull=True),
                name="meeting_only_rehearsal_links_presentation",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(conclusions=""),
                name="meeting_closed_has_conclusions",
                violation_error_message=_("A meeting cannot be closed without conclusions."),
            ),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    def reminder_subjects(self) -> list:
        """Whose sent reminders this page shows: a presentation meeting also its rehearsals'."""
        if self.kind == self.Kind.PRESENTATION:
            return [self, *Meeting.objects.filter(rehearsal_for=self)]
        return [self]

    @property
    def end(self):
        # Never past what the local time zone can show (an edge value stored
        # before dates were ranged must not break a page, .ics or feed).
        return safe_end(self.start, self.duration_minutes)

    @property
    def is_presentation(self) -> bool:
        return self.kind == self.Kind.PRESENTATION

    @property
    def is_rehearsal(self) -> bool:
        return self.kind == self.Kind.REHEARSAL

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.HELD)


class Attendee(models.Model):
    """An agency user or a client contact invited to a meeting (exactly one)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agency attendee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        verbose_name=_("client contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
    )
    # Client contacts get the agenda only when the organiser chooses so.
    receives_agenda = models.BooleanField(_("send the agenda"), default=True)
    agenda_sent_at = models.DateTimeField(_("agenda sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False)
                ),
                name="attendee_user_xor_contact",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="attendee_unique_user",
            ),
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=models.Q(contact__isnull=False),
                name="attendee_unique_contact",
            ),
        ]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self):
        return str(self.user or self.contact)

    @property
    def name(self) -> str:
        return self.user.full_name if self.user_id else self.contact.name

    @property
    def email(self) -> str:
        return self.user.email if self.user_id else self.contact.email


class RoomSetupItem(models.Model):
    """One line of the room set-up checklist (会议室布置)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="room_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("item"), max_length=200)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("room set-up item")
        verbose_name_plural = _("room set-up items")

    def __str__(self):
        return self.label


class AgendaItem(models.Model):
    """A topic of the agenda, in order, with a time box and its minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    topic = models.CharField(_("topic"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=10)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=24 * 60),
                name="agenda_item_minutes_range",
            ),
        ]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.topic


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]


class ActionItem(models.Model):
    """A to-do agreed in a meeting. Open items carry to the client's next meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    # Copied from the meeting so "open items of this client" is one indexed query.
    client = models.ForeignKey(
        "accounts.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    text = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The meeting on whose page it was closed (may be a later meeting).
    done_in = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["client", "done_at"]),
            models.Index(fields=["owner", "done_at"]),
            # The reminder sweep reads open items by due date ("due tomorrow" / "overdue").
            models.Index(
                fields=["due_date"],
                condition=models.Q(done_at__isnull=True),
                name="actionitem_open_due",
            ),
        ]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.text[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AgendaDispatch(models.Model):
    """One sending of the agenda: when, by whom, to whom, and whether it was delivered.

    The email task claims the row (`emailed_at`, committed only with the send);
    every failed attempt is recorded here (attempts, last error, when) so the
    meeting page can say "not delivered to ...; retrying at ..." and the
    sweep can queue it again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")  # waiting for the email task
        SENT = "sent", _("Sent")  # handed to the mail server
        FAILED = "failed", _("Failed; will be retried")  # retried at next_attempt_at
        ABANDONED = "abandoned", _("Not delivered; gave up")  # needs "send again"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="dispatches")
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # [{"name": ..., "email": ..., "kind": "user"|"contact"}]
    recipients = models.JSONField(_("recipients"), default=list)
    status = models.CharField(
        _("delivery"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Claimed by the email task (conditional update) so a retry never sends twice.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            # the sweep reads only undelivered sendings (partial: tiny)
            models.Index(
                fields=["sent_at"],
                name="agendadispatch_undelivered",
                condition=models.Q(status__in=["queued", "failed"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(emailed_at__isnull=False),
                name="agendadispatch_sent_has_emailed_at",
            ),
        ]
        verbose_name = _("agenda sending")
        verbose_name_plural = _("agenda sendings")

    def __str__(self):
        return f"{self.meeting} @ {self.sent_at:%Y-%m-%d %H:%M}"

    @property
    def undelivered(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.ABANDONED)

    @property
    def recipient_names(self) -> str:
        return ", ".join(r.get("name", "") for r in self.recipients)


class Presentation(models.Model):
    """A piece of work presented to the client (提案), in one or more rounds."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")  # the current round is planned or being presented
        ACCEPTED = "accepted", _("Accepted")  # the client accepted the work
        REJECTED = "rejected", _("Rejected")  # the client rejected it; no further round

    client = models.ForeignKey(
        "accounts.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="presentations",
    )
    title = models.CharField(_("title"), max_length=200)
    brief = models.ForeignKey(
        "briefs.Brief",
        verbose_name=_("brief"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
    )
    creative_work = models.ForeignKey(
        "briefs.CreativeWork",
        verbose_name=_("creative work shown"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")

    def __str__(self):
        return self.title

    def reminder_subjects(self) -> list:
        """Its rounds' meetings and their rehearsals: what was chased about it."""
        meetings = list(Meeting.objects.filter(presentation_round__presentation=self))
        return meetings + list(Meeting.objects.filter(rehearsal_for__in=meetings))


class PresentationRound(models.Model):
    """Round N of a presentation, presented in its own meeting.

    When the client asks to revise, the next round is opened and this round
    records why it failed (cause and note). The hours a re-presentation cost
    are time entries of activity "Re-presentation" (billing owns that figure;
    an entry may name its round through `time_entries`): no second figure here.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not presented yet")  # waiting for the meeting
        ACCEPTED = "accepted", _("Accepted")  # the client accepted the work
        REVISE = "revise", _("Revise")  # the client wants changes: a new round follows
        REJECTED = "rejected", _("Rejected")  # the client turned it down

    class FailureCause(models.TextChoices):
        STRATEGY_UNCLEAR = "strategy_unclear", _("Strategy unclear")
        OFF_STRATEGY = "off_strategy", _("Creative off strategy")
        CLIENT_CHANGED = "client_changed", _("Client changed direction")
        WRONG_AUDIENCE = "wrong_audience", _("Wrong audience")
        EXECUTION = "execution", _("Execution quality")
        OTHER = "other", _("Other")

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"), default=1)
    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="presentation_round"
    )
    opening_remarks = models.TextField(_("opening remarks"), blank=True)
    flow = models.TextField(_("flow"), blank=True)
    closing_remarks = models.TextField(_("closing remarks"), blank=True)
    presenters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenters"),
        blank=True,
        related_name="presenting_rounds",
    )
    decision_makers = models.ManyToManyField(
        "accounts.Contact",
        verbose_name=_("decision makers expected"),
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    client_feedback = models.TextField(_("client feedback"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    # Filled when the next round is opened: why this round failed.
    failure_cause = models.CharField(
        _("cause of failure"), max_length=30, choices=FailureCause.choices, blank=True
    )
    failure_note = models.TextField(_("cause in detail"), blank=True)

    class Meta:
        ordering = ["presentation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["presentation", "number"], name="round_unique_number"),
            # A recorded failure always says what went wrong.
            models.CheckConstraint(
                condition=models.Q(failure_cause="") | ~models.Q(failure_note=""),
                name="round_failure_cause_has_note",
            ),
        ]
        verbose_name = _("presentation round")
        verbose_name_plural = _("presentation rounds")

    def __str__(self):
        return f"{self.presentation} – {self.number}"

    @property
    def missing(self) -> list:
        """What is still missing from the storyline (for the page and dashboard)."""
        out = []
        if not self.opening_remarks.strip():
            out.append(_("opening remarks"))
        if not self.flow.strip():
            out.append(_("flow"))
        if not self.closing_remarks.strip():
            out.append(_("closing remarks"))
        return out


class SupportingMaterial(models.Model):
    """Reference films, music, props (辅助物): a link or a file."""

    class Kind(models.TextChoices):
        FILM = "film", _("Reference film")
        MUSIC = "music", _("Music")
        PROP = "prop", _("Prop")
        OTHER = "other", _("Other")

    round = models.ForeignKey(PresentationRound, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FILM)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="meetings/materials/%Y/%m/", blank=True)
    ready = models.BooleanField(_("ready"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("supporting material")
        verbose_name_plural = _("supporting materials")

    def __str__(self):
        return self.title


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a personal iCalendar feed URL. Revoked tokens 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_token_one_active_per_user",
            ),
        ]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"
