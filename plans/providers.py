"""What plans add to the home page ("Waiting for me") and to the client page."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Client, TeamMembership
from agency.client_panels import Panel
from agency.dashboard import Item, Section
from agency.roles import ACCOUNT_SERVICE

from . import approvers
from .models import AccountPlan
from .selectors import current_approved_plan, phase_goal_progress, plan_access_for_client


def _plan_item(plan: AccountPlan) -> Item:
    return Item(
        label=str(plan),
        url=plan.get_absolute_url(),
        detail=_("submitted %(when)s")
        % {"when": timezone.localtime(plan.submitted_at).strftime("%Y-%m-%d")}
        if plan.submitted_at
        else "",
    )


def clients_without_next_year_plan(user):
    """From 1 December: the user's clients (as account service) with no plan for the coming year."""
    today = timezone.localdate()
    if today.month != 12:
        return Client.objects.none()
    year = today.year + 1
    mine = TeamMembership.objects.filter(user=user, team_role__in=list(ACCOUNT_SERVICE)).values(
        "client_id"
    )
    has_plan = AccountPlan.objects.filter(client=OuterRef("pk"), year=year)
    return (
        Client.objects.filter(pk__in=mine)
        .exclude(status=Client.Status.LOST)
        .exclude(Exists(has_plan))
        .order_by("name")
    )


def dashboard_provider(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    sections = []
    awaiting = approvers.plans_awaiting(user)
    review = [p for p in awaiting if p.awaiting.stage == approvers.REVIEW][:20]
    if review:
        sections.append(
            Section(
                title=_("Account plans awaiting my review"),
                items=[_plan_item(p) for p in review],
                order=20,
            )
        )
    sign = [p for p in awaiting if p.awaiting.stage == approvers.SIGNOFF][:20]
    if sign:
        sections.append(
            Section(
                title=_("Account plans awaiting my sign-off"),
                items=[_plan_item(p) for p in sign],
                order=21,
            )
        )
    if user.role in ACCOUNT_SERVICE:
        year = timezone.localdate().year + 1
        missing = list(clients_without_next_year_plan(user)[:50])
        if missing:
            from django.urls import reverse

            sections.append(
                Section(
                    title=_("Clients with no account plan for %(year)s") % {"year": year},
                    items=[
                        Item(
                            label=str(c),
                            url=reverse("plans:plan_create", args=[c.pk]),
                            detail=_("Start the plan for next year."),
                        )
                        for c in missing
                    ],
                    order=22,
                )
            )
    return sections


def client_panel_provider(request, client, access) -> list[Panel]:
    if not access.can_view_work:
        return []
    plan = current_approved_plan(client)
    open_plans = list(
        AccountPlan.objects.filter(
            client=client, status__in=[AccountPlan.Status.DRAFT, AccountPlan.Status.SUBMITTED]
        ).order_by("-year", "-revision")[:5]
    )
    return [
        Panel(
            title=_("Account plan"),
            template="plans/_client_panel.html",
            context={
                "client": client,
                "plan": plan,
                "progress": phase_goal_progress(plan) if plan else None,
                "open_plans": open_plans,
                "may_create": plan_access_for_client(request.user, client).can_edit,
            },
            order=10,
        )
    ]


# --- Role dashboard cards -------------------------------------------------------

PLAN_STAGES = (
    ("none", _lazy("No plan")),
    (AccountPlan.Status.DRAFT, _lazy("Draft")),
    (AccountPlan.Status.SUBMITTED, _lazy("In review")),
    (AccountPlan.Status.APPROVED, _lazy("Approved")),
)


def plan_cards(user) -> list:
    """Plans waiting on the user (MD, BD, CD) and, for the MD and BD, this year's
    plan status per client. Who is waited on is plans.approvers' rule."""
    from agency.cards import Card
    from agency.roles import Role

    if user.role not in (Role.MD, Role.BD, Role.CREATIVE_DIRECTOR):
        return []
    waiting = approvers.plans_awaiting(user)
    title = (
        _("Plans awaiting your sign-off")
        if user.role == Role.MD
        else _("Plans awaiting your review")
    )
    out = [
        Card(
            key="plans_awaiting",
            title=title,
            value=len(waiting),
            url=reverse("plans:plan_list") + "?awaiting=me",
            tone="warning" if waiting else "",
            order=15,
        )
    ]
    if user.role in (Role.MD, Role.BD):
        out.append(_plan_status_chart(user))
    return out


def _plan_status_chart(user):
    """How many of the user's clients have no plan / a draft / one in review / an
    approved plan for this year (a client counts once, at its most advanced plan)."""
    from accounts.selectors import client_list_for_user
    from agency.cards import Chart

    from .selectors import plan_list_for_user

    year = timezone.localdate().year
    rank = {"draft": 1, "submitted": 2, "approved": 3, "superseded": 0}
    best: dict = {}
    for cid, status in (
        plan_list_for_user(user).filter(year=year).values_list("client_id", "status")
    ):
        if rank.get(status, 0) > rank.get(best.get(cid, ""), 0):
            best[cid] = status
    clients = (
        client_list_for_user(user).filter(status=Client.Status.ACTIVE).values_list("pk", flat=True)
    )
    counts = dict.fromkeys([k for k, _l in PLAN_STAGES], 0)
    for pk in clients:
        counts[best.get(pk, "none")] += 1
    base = reverse("plans:plan_list")
    return Chart(
        key="plan_status",
        title=_("This year's plan per client"),
        kind="bar",
        labels=[label for _k, label in PLAN_STAGES],
        datasets=[{"label": _("Clients"), "data": [counts[k] for k, _l in PLAN_STAGES]}],
        links=["", *(f"{base}?status={k}" for k, _l in PLAN_STAGES[1:])],
        order=20,
    )
