"""Meetings' reminders (DESIGN.md "Reminders"), registered in MeetingsConfig.ready().

| kind | to whom | when (occurrence key) |
|---|---|---|
| presentation_not_rehearsed | account lead and the round's presenters | 48 h and 24 h before ("before-48h") |
| rehearsal_upcoming | the rehearsal's attendees | 24 h and 1 h before ("before-1h") |
| agenda_not_sent | the organiser (not for rehearsals) | 24 h before ("before-24h") |
| action_item | its owner | the day before due / the day after |

Hour-based steps fire from their moment until the next step or the event itself.
"""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.reminders import lead_of, unique_users, with_leads
from agency.reminders.base import (
    DAY,
    HOUR,
    Due,
    Rule,
)


class MeetingRule(Rule):
    # (occurrence, hours before start from which it fires); later steps first
    STEPS: tuple[tuple[str, int], ...] = ()

    def queryset(self):
        from meetings.models import Meeting

        return with_leads(Meeting.objects.select_related("client", "organiser"))

    def base(self, now):
        raise NotImplementedError

    def windows(self) -> dict[str, tuple[int, int]]:
        """occurrence -> (lower, upper) hours before the start: each step owns
        the window from its moment to the next step's (or the start), so
        (start - 48h, start - 24h] belongs to "before-48h"."""
        hours = [h for _occ, h in self.STEPS] + [0]
        return {occ: (hours[i + 1], upper) for i, (occ, upper) in enumerate(self.STEPS)}

    def due(self, now):
        for occurrence, (lower, upper) in self.windows().items():
            qs = self.base(now).filter(start__gt=now + lower * HOUR, start__lte=now + upper * HOUR)
            for meeting in self.not_logged(qs, occurrence):
                yield Due(meeting, occurrence)

    def still_due(self, obj, occurrence, now):
        # a retry late enough to fall in the next step's window is dropped
        lower, upper = self.windows()[occurrence]
        in_window = now + lower * HOUR < obj.start <= now + upper * HOUR
        return obj.status == obj.Status.PLANNED and in_window

    def context(self, obj, occurrence):
        hours = dict(self.STEPS)[occurrence]
        return {"meeting": obj, "client": obj.client, "hours": hours}

    def step_label(self, occurrence):
        hours = dict(self.STEPS).get(occurrence)
        return gettext("%(hours)s h before") % {"hours": hours} if hours else ""


class PresentationNotRehearsed(MeetingRule):
    kind = "presentation_not_rehearsed"
    label = _("No rehearsal held yet: lead and presenters reminded")
    STEPS = (("before-48h", 48), ("before-24h", 24))

    def base(self, now):
        from django.db.models import Exists, OuterRef, Q

        from meetings.models import Meeting

        held = Meeting.objects.filter(rehearsal_for=OuterRef("pk")).filter(
            Q(held_at__isnull=False) | Q(status__in=[Meeting.Status.HELD, Meeting.Status.CLOSED])
        )
        return (
            self.queryset()
            .filter(kind=Meeting.Kind.PRESENTATION, status=Meeting.Status.PLANNED)
            .filter(~Exists(held))
        )

    def recipients(self, obj, occurrence):
        people = [lead_of(obj.client)] if obj.client_id else []
        round_ = getattr(obj, "presentation_round", None)
        if round_ is not None:
            people += list(round_.presenters.filter(is_active=True))
        return unique_users(people)

    def still_due(self, obj, occurrence, now):
        return super().still_due(obj, occurrence, now) and self.base(now).filter(pk=obj.pk).exists()

    def context(self, obj, occurrence):
        round_ = getattr(obj, "presentation_round", None)
        return {**super().context(obj, occurrence), "round": round_}


class RehearsalUpcoming(MeetingRule):
    kind = "rehearsal_upcoming"
    label = _("Rehearsal reminder sent to its attendees")
    STEPS = (("before-24h", 24), ("before-1h", 1))

    def base(self, now):
        from meetings.models import Meeting

        return self.queryset().filter(kind=Meeting.Kind.REHEARSAL, status=Meeting.Status.PLANNED)

    def recipients(self, obj, occurrence):
        from accounts.models import User

        return list(
            User.objects.filter(meeting_attendances__meeting=obj, is_active=True).order_by("pk")
        )

    def context(self, obj, occurrence):
        return {**super().context(obj, occurrence), "presentation": obj.rehearsal_for}


class AgendaNotSent(MeetingRule):
    kind = "agenda_not_sent"
    label = _("Organiser reminded to send the agenda")
    STEPS = (("before-24h", 24),)

    def base(self, now):
        from meetings.models import Meeting

        # A rehearsal has no agenda to send: it rehearses the presentation.
        return (
            self.queryset()
            .filter(status=Meeting.Status.PLANNED, agenda_sent_at__isnull=True)
            .exclude(kind=Meeting.Kind.REHEARSAL)
        )

    def recipients(self, obj, occurrence):
        return [obj.organiser]

    def still_due(self, obj, occurrence, now):
        return super().still_due(obj, occurrence, now) and obj.agenda_sent_at is None


class ActionItemDue(Rule):
    """Open action items: the owner, the day before the due date and the day after."""

    kind = "action_item"
    label = _("Owner reminded of the action item")
    DAY_BEFORE, DAY_AFTER = "day-before", "day-after"

    def queryset(self):
        from meetings.models import ActionItem

        return ActionItem.objects.select_related("meeting", "owner", "client")

    def due(self, now):
        today = timezone.localdate(now)
        for occurrence, due_date in (
            (self.DAY_BEFORE, today + DAY),
            (self.DAY_AFTER, today - DAY),
        ):
            qs = self.queryset().filter(done_at__isnull=True, due_date=due_date)
            for item in self.not_logged(qs, occurrence):
                yield Due(item, occurrence)

    def recipients(self, obj, occurrence):
        return [obj.owner]

    def still_due(self, obj, occurrence, now):
        if occurrence == self.DAY_BEFORE and timezone.localdate(now) >= obj.due_date:
            return False  # "due tomorrow" is wrong from the due date on
        return obj.done_at is None

    def url(self, obj):
        return obj.meeting.get_absolute_url()

    def step_label(self, occurrence):
        if occurrence == self.DAY_AFTER:
            return gettext("the day after the due date")
        return gettext("the day before the due date")

    def context(self, obj, occurrence):
        return {
            "item": obj,
            "meeting": obj.meeting,
            "client": obj.client,
            "overdue": occurrence == self.DAY_AFTER,
        }


RULES = [PresentationNotRehearsed(), RehearsalUpcoming(), AgendaNotSent(), ActionItemDue()]
