"""Permission-scoped reads of account plans.

`plan_get_for_user` is THE permission helper for a plan and everything under
it (rows, reviews, PDF). Who reviews and signs off, and which plans wait on
whom, is `plans.approvers`. Other apps call `approved_plan_for` and
`approved_strategies_for`: keep their names and signatures stable.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from accounts.models import Client
from accounts.selectors import ClientAccess, client_access, client_work_ids_for
from agency.permissions import NOT_FOUND, object_or_404
from agency.roles import ACCOUNT_SERVICE, Role

from . import approvers
from .models import AccountPlan, PhaseGoal, Strategy


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan (state checks are the services')."""

    client: ClientAccess
    can_view: bool  # team, BD, MD (not finance)
    can_edit: bool  # account service on team: create, edit, submit, start revision
    review_roles: tuple[str, ...]  # PlanReview.ReviewerRole values this user reviews as
    can_sign_off: bool  # the MD

    @property
    def can_review(self) -> bool:
        return bool(self.review_roles)


def plan_access_for_client(user, client: Client) -> PlanAccess:
    """Who may do what, by role (PERMISSIONS.md); who reviews comes from plans.approvers."""
    access = client_access(user, client)
    team_role = access.team_role
    return PlanAccess(
        client=access,
        can_view=access.can_view_work,
        can_edit=access.can_view_work and team_role in ACCOUNT_SERVICE,
        review_roles=approvers.review_roles(user, client) if access.can_view_work else (),
        can_sign_off=access.can_view_work and approvers.signs_off(user),
    )


def plan_get_for_user(user, pk) -> tuple[AccountPlan, PlanAccess]:
    """Return the plan and the user's access; 404 if they may not see it."""
    plan = object_or_404(
        AccountPlan.objects.select_related(
            "client", "submitted_by", "signed_off_by", "created_by", "previous"
        ),
        pk,
    )
    access = plan_access_for_client(user, plan.client)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return plan, access


def plan_list_for_user(user) -> QuerySet[AccountPlan]:
    """Plans the user may see (finance and outsiders: none)."""
    if not user.is_authenticated or user.role == Role.FINANCE:
        return AccountPlan.objects.none()
    qs = AccountPlan.objects.select_related("client")
    ids = client_work_ids_for(user)
    if ids is not None:
        qs = qs.filter(client_id__in=ids)
    return qs.annotate(
        n_phase_goals=Count("phase_goals", distinct=True),
        n_strategies=Count("strategies", distinct=True),
    ).order_by("-year", "client__name", "-revision")


def plan_detail_data(plan: AccountPlan) -> dict:
    phase_goals = list(plan.phase_goals.all())
    strategies = list(plan.strategies.prefetch_related("phase_goals"))
    activities = list(plan.activities.select_related("owner"))
    reviews = list(plan.reviews.select_related("reviewer"))
    return {
        "phase_goals": phase_goals,
        "strategies": strategies,
        "activities": activities,
        "reviews": reviews,
        "current_reviews": [r for r in reviews if r.round == plan.review_round],
        "revisions": list(
            AccountPlan.objects.filter(client=plan.client, year=plan.year).order_by("revision")
        ),
    }


def approved_plan_for(client: Client, year: int) -> AccountPlan | None:
    """The latest approved revision of the client's plan for `year`, or None."""
    return (
        AccountPlan.objects.filter(client=client, year=year, status=AccountPlan.Status.APPROVED)
        .order_by("-revision")
        .first()
    )


def current_approved_plan(client: Client) -> AccountPlan | None:
    """The client's approved plan for the latest year that has one."""
    return (
        AccountPlan.objects.filter(client=client, status=AccountPlan.Status.APPROVED)
        .order_by("-year", "-revision")
        .first()
    )


def approved_strategies_for(client: Client) -> QuerySet[Strategy]:
    """Strategies of the client's current approved plan (empty when there is none)."""
    plan = current_approved_plan(client)
    if plan is None:
        return Strategy.objects.none()
    return plan.strategies.order_by("position", "pk")


def phase_goal_progress(plan: AccountPlan) -> dict:
    goals: list[PhaseGoal] = list(plan.phase_goals.all())
    done = sum(1 for g in goals if g.status == PhaseGoal.Status.DONE)
    return {
        "goals": goals,
        "done": done,
        "total": len(goals),
        "percent": round(100 * done / len(goals)) if goals else 0,
    }
