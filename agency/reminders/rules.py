"""Every reminder of DESIGN.md "Reminders", in one place.

| kind                        | object            | to whom                                   | when (occurrence key)                     |
|-----------------------------|-------------------|-------------------------------------------|-------------------------------------------|
| invoice_not_issued          | billing.Invoice   | finance                                   | 1 business day after the request, then    |
|                             |                   |                                           | every business day ("2026-11-27")         |
| invoice_due_soon            | billing.Invoice   | account lead                              | 3 days before due ("before-3d")           |
| invoice_overdue             | billing.Invoice   | lead; + AD at 30; + MD and finance at 60  | 1, 15, 30, 60 days after ("day-30")       |
| presentation_not_rehearsed  | meetings.Meeting  | account lead and the round's presenters   | 48 h and 24 h before ("before-48h")       |
| rehearsal_upcoming          | meetings.Meeting  | the rehearsal's attendees                 | 24 h and 1 h before ("before-1h")         |
| agenda_not_sent             | meetings.Meeting  | the organiser (not for rehearsals)        | 24 h before ("before-24h")                |
| action_item                 | meetings.ActionItem | its owner                               | the day before due / the day after        |
| plan_approval_waiting       | plans.AccountPlan | the reviewers still to review, then the MD | 2 business days waiting ("review-r2")    |
| brief_approval_waiting      | briefs.Brief      | the approver of the current step          | 2 business days waiting ("signing@<ts>")  |

Each `due(now)` reads only due objects: a range on an indexed date or time
column (invoice (status, due_date), (status, requested_at); meeting (kind,
start), (start); plan/brief (status)) minus the occurrences already in the log
(an anti-join on the log's unique index).

Date-based steps fire on their local day and, should the sweep have been down,
on the GRACE_DAYS days after (never once the next step has begun). Hour-based
steps fire from their moment until the next step or the event itself.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import client_lead, team_members, users_with_role
from agency.roles import Role

from .base import Due, Rule, add_business_days, is_business_day

GRACE_DAYS = 2
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _lead(client):
    """The account lead, from the sweep's prefetch when there is one."""
    memberships = getattr(client, "lead_memberships", None)
    if memberships is None:
        return client_lead(client)
    return memberships[0].user if memberships else None


def _with_leads(qs, path="client"):
    """Prefetch each client's lead (and ADs): one query per rule, not per reminder."""
    from django.db.models import Prefetch

    from accounts.models import TeamMembership

    memberships = TeamMembership.objects.select_related("user").order_by("pk")
    return qs.prefetch_related(
        Prefetch(
            f"{path}__memberships",
            queryset=memberships.filter(is_lead=True),
            to_attr="lead_memberships",
        ),
        Prefetch(
            f"{path}__memberships",
            queryset=memberships.filter(team_role=Role.AD, user__is_active=True),
            to_attr="ad_memberships",
        ),
    )


def _ads(client) -> list:
    memberships = getattr(client, "ad_memberships", None)
    if memberships is None:
        return list(team_members(client, [Role.AD]))
    return [m.user for m in memberships]


def _unique(users) -> list:
    seen, out = set(), []
    for u in users:
        if u is not None and u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out


# Invoices ----------------------------------------------------------------------


class InvoiceRule(Rule):
    def queryset(self):
        from billing.models import Invoice

        return _with_leads(Invoice.objects.select_related("client"))


class InvoiceNotIssued(InvoiceRule):
    """Requested, not issued: finance after one business day, then daily."""

    kind = "invoice_not_issued"
    label = _("Finance reminded to issue the invoice")
    WAIT_BUSINESS_DAYS = 1

    def due(self, now):
        from billing.models import Invoice

        today = timezone.localdate(now)
        if not is_business_day(today):
            return
        occurrence = today.isoformat()
        # One business day is at least one calendar day: the index narrows to
        # requests older than a day, the exact business-day test is in Python.
        qs = self.queryset().filter(status=Invoice.Status.REQUESTED, requested_at__lte=now - DAY)
        for invoice in self.not_logged(qs, occurrence):
            if self.first_due(invoice) <= now:
                yield Due(invoice, occurrence)

    def first_due(self, invoice) -> dt.datetime:
        return add_business_days(invoice.requested_at, self.WAIT_BUSINESS_DAYS)

    def recipients(self, obj, occurrence):
        return list(users_with_role(Role.FINANCE))

    def still_due(self, obj, occurrence, now):
        # a failed daily reminder is not worth sending once today's is due
        return (
            obj.status == obj.Status.REQUESTED and occurrence == timezone.localdate(now).isoformat()
        )

    def context(self, obj, occurrence):
        return {"invoice": obj, "client": obj.client, "requested_at": obj.requested_at}


class InvoiceDueSoon(InvoiceRule):
    """Issued and unpaid, due in three days: the account lead."""

    kind = "invoice_due_soon"
    label = _("Account lead reminded the invoice falls due")
    DAYS_BEFORE = 3
    OCCURRENCE = "before-3d"

    def due(self, now):
        from billing.models import Invoice

        today = timezone.localdate(now)
        # due in 3 days (or 2 or 1 if the sweep was down on the day)
        first = today + dt.timedelta(days=1)
        last = today + dt.timedelta(days=self.DAYS_BEFORE)
        qs = self.queryset().filter(status=Invoice.Status.ISSUED, due_date__range=(first, last))
        for invoice in self.not_logged(qs, self.OCCURRENCE):
            yield Due(invoice, self.OCCURRENCE)

    def recipients(self, obj, occurrence):
        return [_lead(obj.client)]

    def still_due(self, obj, occurrence, now):
        return obj.status == obj.Status.ISSUED and timezone.localdate(now) < obj.due_date

    def context(self, obj, occurrence):
        return {"invoice": obj, "client": obj.client, "days": self.DAYS_BEFORE}

    def step_label(self, occurrence):
        return gettext("3 days before the due date")


class InvoiceOverdue(InvoiceRule):
    """The escalation ladder for overdue invoices."""

    kind = "invoice_overdue"
    label = _("Overdue invoice reminder")
    # days overdue -> who is added at this step (the lead is always in)
    STEPS = (1, 15, 30, 60)
    AD_FROM = 30
    MD_AND_FINANCE_FROM = 60

    @staticmethod
    def occurrence_for(days: int) -> str:
        return f"day-{days}"

    @staticmethod
    def days_of(occurrence: str) -> int:
        return int(occurrence.removeprefix("day-"))

    def due(self, now):
        from billing.models import Invoice

        today = timezone.localdate(now)
        for i, days in enumerate(self.STEPS):
            # on the day, or up to GRACE_DAYS later but before the next step
            late = GRACE_DAYS
            if i + 1 < len(self.STEPS):
                late = min(late, self.STEPS[i + 1] - days - 1)
            newest = today - dt.timedelta(days=days)
            oldest = newest - dt.timedelta(days=late)
            occurrence = self.occurrence_for(days)
            qs = self.queryset().filter(
                status=Invoice.Status.ISSUED, due_date__range=(oldest, newest)
            )
            for invoice in self.not_logged(qs, occurrence):
                yield Due(invoice, occurrence)

    def recipients(self, obj, occurrence):
        days = self.days_of(occurrence)
        people = [_lead(obj.client)]
        if days >= self.AD_FROM:
            people += _ads(obj.client)
        if days >= self.MD_AND_FINANCE_FROM:
            people += list(users_with_role(Role.MD)) + list(users_with_role(Role.FINANCE))
        return _unique(people)

    def still_due(self, obj, occurrence, now):
        # still unpaid, and no later step has taken over
        days = obj.days_overdue(timezone.localdate(now))
        current = max((step for step in self.STEPS if step <= days), default=None)
        return obj.status == obj.Status.ISSUED and current == self.days_of(occurrence)

    def context(self, obj, occurrence):
        return {
            "invoice": obj,
            "client": obj.client,
            "days": self.days_of(occurrence),
            "escalated": self.days_of(occurrence) >= self.AD_FROM,
        }

    def step_label(self, occurrence):
        days = self.days_of(occurrence)
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


# Meetings, presentations, rehearsals, action items -------------------------------


class MeetingRule(Rule):
    # (occurrence, hours before start from which it fires); later steps first
    STEPS: tuple[tuple[str, int], ...] = ()

    def queryset(self):
        from meetings.models import Meeting

        return _with_leads(Meeting.objects.select_related("client", "organiser"))

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
        people = [_lead(obj.client)] if obj.client_id else []
        round_ = getattr(obj, "presentation_round", None)
        if round_ is not None:
            people += list(round_.presenters.filter(is_active=True))
        return _unique(people)

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


# Approvals -----------------------------------------------------------------------


WAIT_BUSINESS_DAYS = 2


class PlanApprovalWaiting(Rule):
    """A submitted plan: reviewers who have not reviewed, then the MD's sign-off."""

    kind = "plan_approval_waiting"
    label = _("Approver reminded: waiting for more than 2 business days")

    def queryset(self):
        from plans.models import AccountPlan

        return AccountPlan.objects.select_related("client")

    def due(self, now):
        from plans.models import AccountPlan

        # At least two calendar days old; submitted plans are few (status index).
        qs = self.queryset().filter(
            status=AccountPlan.Status.SUBMITTED, submitted_at__lte=now - 2 * DAY
        )
        plans = list(qs)
        logged = self.logged(plans)
        for plan in plans:
            stage, since, _people = self.waiting(plan)
            if stage is None or add_business_days(since, WAIT_BUSINESS_DAYS) > now:
                continue
            occurrence = f"{stage}-r{plan.review_round}"
            if (plan.pk, occurrence) not in logged:
                yield Due(plan, occurrence)

    def waiting(self, plan):
        """(stage, waiting since, approvers) of a submitted plan."""
        from plans.models import PlanReview
        from plans.selectors import (
            business_reviewers,
            creative_reviewers,
            current_reviews,
            required_review_roles,
        )

        reviews = current_reviews(plan)
        if any(r.decision == PlanReview.Decision.OBJECT for r in reviews.values()):
            return None, None, []
        missing = [role for role in required_review_roles(plan.client) if role not in reviews]
        if missing:
            people = []
            for role in missing:
                people += list(
                    business_reviewers(plan.client)
                    if role == PlanReview.ReviewerRole.BUSINESS
                    else creative_reviewers(plan.client)
                )
            return "review", plan.submitted_at, _unique(people)
        last = max(r.created_at for r in reviews.values())
        return "signoff", last, list(users_with_role(Role.MD))

    def recipients(self, obj, occurrence):
        stage, _since, people = self.waiting(obj)
        return people if stage and occurrence.startswith(stage) else []

    def still_due(self, obj, occurrence, now):
        stage, _since, _people = self.waiting(obj)
        return (
            obj.status == obj.Status.SUBMITTED
            and stage is not None
            and occurrence == f"{stage}-r{obj.review_round}"
        )

    def step_label(self, occurrence):
        return gettext("sign-off") if occurrence.startswith("signoff") else gettext("review")

    def context(self, obj, occurrence):
        stage, since, _people = self.waiting(obj)
        return {"plan": obj, "client": obj.client, "stage": stage, "since": since}


class BriefApprovalWaiting(Rule):
    """A brief waiting at an approval step for more than two business days."""

    kind = "brief_approval_waiting"
    label = _("Approver reminded: waiting for more than 2 business days")

    def queryset(self):
        from briefs.models import Brief

        return Brief.objects.select_related("client")

    @staticmethod
    def steps():
        """status -> (stamp of entering it, approver roles; MD when none on the team)."""
        from briefs.models import Brief

        S = Brief.Status
        return {
            S.CREATIVE_REVIEW: ("submitted_at", [Role.CREATIVE_DIRECTOR], False),
            S.STRATEGY_REVIEW: ("creative_agreed_at", [Role.AD], True),
            S.APPROVED: ("approved_at", [Role.BD], True),
            S.CLIENT_AGREED: ("client_agreed_at", [Role.PLANNER], True),
        }

    def occurrence(self, brief) -> str | None:
        step = self.steps().get(brief.status)
        since = getattr(brief, step[0]) if step else None
        if since is None:
            return None
        return f"{brief.status}@{int(since.timestamp())}"

    def due(self, now):
        from django.db.models import Q

        steps = self.steps()
        # status index; each step's stamp at least two calendar days old
        waiting = Q()
        for status, (stamp, _roles, _md) in steps.items():
            waiting |= Q(status=status, **{f"{stamp}__lte": now - 2 * DAY})
        briefs = list(self.queryset().filter(waiting))
        logged = self.logged(briefs)
        for brief in briefs:
            since = getattr(brief, steps[brief.status][0])
            if add_business_days(since, WAIT_BUSINESS_DAYS) > now:
                continue
            occurrence = self.occurrence(brief)
            if (brief.pk, occurrence) not in logged:
                yield Due(brief, occurrence)

    def recipients(self, obj, occurrence):
        step = self.steps().get(obj.status)
        if step is None:
            return []
        _stamp, roles, md_fallback = step
        people = list(team_members(obj.client, roles))
        if not people and md_fallback:
            people = list(users_with_role(Role.MD))
        return people

    def still_due(self, obj, occurrence, now):
        return self.occurrence(obj) == occurrence

    def step_label(self, occurrence):
        from briefs.models import Brief

        status = occurrence.split("@", 1)[0]
        return str(Brief.Status(status).label) if status in Brief.Status.values else ""

    def context(self, obj, occurrence):
        step = self.steps().get(obj.status)
        return {
            "brief": obj,
            "client": obj.client,
            "step": obj.get_status_display(),
            "since": getattr(obj, step[0]) if step else None,
        }


RULES: list[Rule] = [
    InvoiceNotIssued(),
    InvoiceDueSoon(),
    InvoiceOverdue(),
    PresentationNotRehearsed(),
    RehearsalUpcoming(),
    AgendaNotSent(),
    ActionItemDue(),
    PlanApprovalWaiting(),
    BriefApprovalWaiting(),
]
RULES_BY_KIND: dict[str, Rule] = {r.kind: r for r in RULES}
