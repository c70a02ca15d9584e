"""The facts behind each client's health, for many clients in a fixed number
of queries, and the permission-scoped reads of health.

The rules it reads are the owning apps': what a receivable is
(billing.selectors.open_receivables), who sees which client
(accounts.selectors.client_work_ids_for).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CheckIn, Client
from accounts.selectors import client_work_ids_for
from billing.selectors import open_receivables
from meetings.models import ActionItem, Meeting, PresentationRound
from plans.models import AccountPlan

from . import score as S
from .models import ClientCadence, HealthSnapshot, HealthWeights

PRESENTATION_WINDOW = 90  # days: rehearsed presentations, first-round acceptance
ACTION_WINDOW = 60  # days: action items closed on time
MIN_REHEARSAL_MINUTES = 30


@dataclass
class Facts:
    plan_status: str | None = None
    days_since_checkin: int | None = None
    cadence_days: int = 14
    presentations: int = 0
    rehearsed: int = 0
    first_rounds: int = 0
    first_round_accepted: int = 0
    worst_overdue_days: int | None = None
    actions_due: int = 0
    actions_on_time: int = 0


def facts_for(client_ids: list[int], today: dt.date | None = None) -> dict[int, Facts]:
    """client id -> Facts, in seven queries whatever the number of clients."""
    today = today or timezone.localdate()
    now = timezone.now()
    default_cadence = HealthWeights.current().default_cadence_days
    facts = {pk: Facts(cadence_days=default_cadence) for pk in client_ids}
    if not client_ids:
        return facts
    for c in ClientCadence.objects.filter(client_id__in=client_ids):
        facts[c.client_id].cadence_days = c.days
    # this year's plan: the most advanced status among its revisions
    rank = {"approved": 3, "superseded": 0, "submitted": 2, "draft": 1}
    for cid, status in AccountPlan.objects.filter(
        client_id__in=client_ids, year=today.year
    ).values_list("client_id", "status"):
        current = facts[cid].plan_status
        if current is None or rank.get(status, 0) > rank.get(current, 0):
            facts[cid].plan_status = status
    for r in (
        CheckIn.objects.filter(client_id__in=client_ids)
        .values("client_id")
        .annotate(last=Max("date"))
        .order_by()
    ):
        facts[r["client_id"]].days_since_checkin = (today - r["last"]).days
    since = now - dt.timedelta(days=PRESENTATION_WINDOW)
    rehearsal = Meeting.objects.filter(
        rehearsal_for=OuterRef("pk"),
        kind=Meeting.Kind.REHEARSAL,
        held_at__isnull=False,
        duration_minutes__gte=MIN_REHEARSAL_MINUTES,
    )
    for r in (
        Meeting.objects.filter(
            client_id__in=client_ids,
            kind=Meeting.Kind.PRESENTATION,
            status__in=[Meeting.Status.HELD, Meeting.Status.CLOSED],
            start__gte=since,
            start__lte=now,
        )
        .annotate(was_rehearsed=Exists(rehearsal))
        .values("client_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(was_rehearsed=True)))
        .order_by()
    ):
        facts[r["client_id"]].presentations = r["n"]
        facts[r["client_id"]].rehearsed = r["ok"]
    for r in (
        PresentationRound.objects.filter(
            presentation__client_id__in=client_ids,
            number=1,
            outcome_recorded_at__gte=since,
        )
        .exclude(outcome=PresentationRound.Outcome.PENDING)
        .values("presentation__client_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(outcome="accepted")))
        .order_by()
    ):
        facts[r["presentation__client_id"]].first_rounds = r["n"]
        facts[r["presentation__client_id"]].first_round_accepted = r["ok"]
    for r in (
        open_receivables()
        .filter(client_id__in=client_ids, due_date__lt=today)
        .values("client_id")
        .annotate(oldest=Min("due_date"))
        .order_by()
    ):
        facts[r["client_id"]].worst_overdue_days = (today - r["oldest"]).days
    for item in ActionItem.objects.filter(
        client_id__in=client_ids,
        due_date__gte=today - dt.timedelta(days=ACTION_WINDOW),
        due_date__lt=today,
    ).values("client_id", "due_date", "done_at"):
        f = facts[item["client_id"]]
        f.actions_due += 1
        done = item["done_at"]
        if done is not None and timezone.localdate(done) <= item["due_date"]:
            f.actions_on_time += 1
    return facts


def health_from_facts(client_id: int, f: Facts, weights: dict) -> S.Health:
    """The score, band and one explanation line per measure, each with its fix."""
    points = {
        "plan": S.plan_points(f.plan_status),
        "checkin": S.checkin_points(f.days_since_checkin, f.cadence_days),
        "rehearsed": S.share_points(f.rehearsed, f.presentations),
        "first_round": S.share_points(f.first_round_accepted, f.first_rounds),
        "overdue": S.overdue_points(f.worst_overdue_days),
        "actions": S.share_points(f.actions_on_time, f.actions_due),
    }
    value, measured = S.combine(points, weights)
    client_url = reverse("accounts:client_detail", args=[client_id])
    plan_text = {
        "approved": _("This year's plan is approved."),
        "submitted": _("This year's plan is in review."),
    }.get(f.plan_status or "", _("This year has no approved plan."))
    if f.days_since_checkin is None:
        checkin_text = _("No check-in logged yet.")
    else:
        checkin_text = _("Last check-in %(days)s days ago; the cadence is %(cadence)s days.") % {
            "days": f.days_since_checkin,
            "cadence": f.cadence_days,
        }
    lines = [
        S.Line(
            "plan",
            plan_text,
            points["plan"],
            weights["plan"],
            _("Open the plans"),
            reverse("plans:plan_list"),
        ),
        S.Line(
            "checkin",
            checkin_text,
            points["checkin"],
            weights["checkin"],
            _("Log a check-in"),
            client_url + "#checkins",
        ),
        S.Line(
            "rehearsed",
            _("%(ok)s of %(n)s presentations in 90 days had a rehearsal of 30 minutes or more.")
            % {"ok": f.rehearsed, "n": f.presentations},
            points["rehearsed"],
            weights["rehearsed"],
            _("Schedule a rehearsal"),
            reverse("meetings:meeting_list") + "?kind=presentation",
        ),
        S.Line(
            "first_round",
            _("%(ok)s of %(n)s first rounds in 90 days were accepted.")
            % {"ok": f.first_round_accepted, "n": f.first_rounds},
            points["first_round"],
            weights["first_round"],
            _("See the presentations"),
            reverse("meetings:meeting_list") + "?when=past&kind=presentation",
        ),
        S.Line(
            "overdue",
            _("No receivable is overdue.")
            if not f.worst_overdue_days
            else _("The oldest overdue receivable is %(days)s days overdue.")
            % {"days": f.worst_overdue_days},
            points["overdue"],
            weights["overdue"],
            _("Chase the overdue invoices"),
            reverse("billing:invoice_list") + f"?client={client_id}&overdue=on",
        ),
        S.Line(
            "actions",
            _("%(ok)s of %(n)s action items due in 60 days were closed on time.")
            % {"ok": f.actions_on_time, "n": f.actions_due},
            points["actions"],
            weights["actions"],
            _("See the meetings"),
            reverse("meetings:meeting_list") + "?when=past",
        ),
    ]
    return S.Health(score=value, band=S.band_for(value), lines=lines, measured=measured)


def health_for(client_ids: list[int], today: dt.date | None = None) -> dict[int, S.Health]:
    weights = HealthWeights.current().as_dict()
    facts = facts_for(list(client_ids), today)
    return {pk: health_from_facts(pk, f, weights) for pk, f in facts.items()}


def health_clients_for(user):
    """Clients whose health the user sees: the same rule as their work."""
    qs = Client.objects.exclude(status=Client.Status.LOST)
    ids = client_work_ids_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("name")


@dataclass
class ClientHealth:
    client: Client
    health: S.Health
    previous: int | None  # last week's snapshot score, for the trend arrow

    @property
    def trend(self) -> str:
        if self.previous is None or self.health.score is None:
            return ""
        if self.health.score > self.previous:
            return "up"
        if self.health.score < self.previous:
            return "down"
        return "flat"


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def client_health_list(user, band: str | None = None) -> list[ClientHealth]:
    """Every client the user sees with its health (and trend), worst first."""
    clients = list(health_clients_for(user))
    ids = [c.pk for c in clients]
    healths = health_for(ids)
    this_week = week_of(timezone.localdate())
    previous = dict(
        HealthSnapshot.objects.filter(client_id__in=ids, week__lt=this_week)
        .order_by("client_id", "-week")
        .distinct("client_id")
        .values_list("client_id", "score")
        if _distinct_on()
        else _latest_before(ids, this_week)
    )
    rows = [ClientHealth(c, healths[c.pk], previous.get(c.pk)) for c in clients]
    if band:
        rows = [r for r in rows if r.health.band == band]
    return sorted(rows, key=lambda r: (r.health.score is None, r.health.score or 0, r.client.name))


def _distinct_on() -> bool:
    from django.db import connection

    return connection.features.can_distinct_on_fields


def _latest_before(ids, week) -> list:
    out = {}
    for cid, score in (
        HealthSnapshot.objects.filter(client_id__in=ids, week__lt=week)
        .order_by("client_id", "-week")
        .values_list("client_id", "score")
    ):
        out.setdefault(cid, score)
    return list(out.items())


def history(client: Client, weeks: int = 26) -> list[HealthSnapshot]:
    return list(HealthSnapshot.objects.filter(client=client).order_by("-week")[:weeks])[::-1]
