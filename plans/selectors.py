"""Permission-scoped reads of account plans.

`plan_get_for_user` is THE permission helper for a plan and everything under
it (rows, reviews, PDF). Other apps call `approved_plan_for` and
`approved_strategies_for`: keep their names and signatures stable.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from accounts.models import Client, TeamMembership, User
from accounts.selectors import ClientAccess, client_access, client_work_ids_for
from agency.permissions import NOT_FOUND, object_or_404
from agency.roles import ACCOUNT_SERVICE, Role

from .models import AccountPlan, PhaseGoal, PlanReview, Strategy


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


def business_reviewers(client: Client) -> QuerySet[User]:
    """The BD on the team; without one, the MD reviews in the BD's stead."""
    bds = User.objects.filter(
        is_active=True, memberships__client=client, memberships__team_role=Role.BD
    )
    if bds.exists():
        return bds
    return User.objects.filter(is_active=True, role=Role.MD)


def creative_reviewers(client: Client) -> QuerySet[User]:
    """The creative director(s) on the team."""
    return User.objects.filter(
        is_active=True,
        memberships__client=client,
        memberships__team_role=Role.CREATIVE_DIRECTOR,
    )


def required_review_roles(client: Client) -> list[str]:
    """The review roles a submission needs: business always; creative if a CD is on the team."""
    roles = [PlanReview.ReviewerRole.BUSINESS.value]
    if creative_reviewers(client).exists():
        roles.append(PlanReview.ReviewerRole.CREATIVE.value)
    return roles


def plan_access_for_client(user, client: Client) -> PlanAccess:
    access = client_access(user, client)
    membership = access.membership
    team_role = membership.team_role if membership else None
    roles: list[str] = []
    if access.can_view_work:
        # Same rule as business_reviewers(): an inactive BD does not count, or
        # nobody could review the plan.
        bd_on_team = TeamMembership.objects.filter(
            client=client, team_role=Role.BD, user__is_active=True
        ).exists()
        if team_role == Role.BD or (user.role == Role.MD and not bd_on_team):
            roles.append(PlanReview.ReviewerRole.BUSINESS.value)
        if team_role == Role.CREATIVE_DIRECTOR:
            roles.append(PlanReview.ReviewerRole.CREATIVE.value)
    return PlanAccess(
        client=access,
        can_view=access.can_view_work,
        can_edit=access.can_view_work and team_role in ACCOUNT_SERVICE,
        review_roles=tuple(roles),
        can_sign_off=access.can_view_work and user.role == Role.MD,
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


def current_reviews(plan: AccountPlan) -> dict[str, PlanReview]:
    """This submission's reviews by role."""
    return {r.role: r for r in plan.reviews.filter(round=plan.review_round)}


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


def plans_awaiting_review_by(user) -> QuerySet[AccountPlan]:
    """Submitted plans this user reviews and has not yet reviewed in this round."""
    if not user.is_authenticated:
        return AccountPlan.objects.none()
    bd_clients = TeamMembership.objects.filter(user=user, team_role=Role.BD).values("client_id")
    cd_clients = TeamMembership.objects.filter(user=user, team_role=Role.CREATIVE_DIRECTOR).values(
        "client_id"
    )
    business = Q(client_id__in=bd_clients)
    if user.role == Role.MD:
        # The MD reviews as the business reviewer only where no BD is on the team.
        with_bd = TeamMembership.objects.filter(team_role=Role.BD, user__is_active=True).values(
            "client_id"
        )
        business |= ~Q(client_id__in=with_bd)
    base = AccountPlan.objects.filter(status=AccountPlan.Status.SUBMITTED).select_related("client")
    business_pending = base.filter(business).exclude(
        pk__in=_reviewed_in_round(PlanReview.ReviewerRole.BUSINESS)
    )
    creative_pending = base.filter(client_id__in=cd_clients).exclude(
        pk__in=_reviewed_in_round(PlanReview.ReviewerRole.CREATIVE)
    )
    return (business_pending | creative_pending).distinct().order_by("submitted_at", "pk")


def _reviewed_in_round(role: str):
    return PlanReview.objects.filter(role=role, round=F("plan__review_round")).values("plan_id")


def plans_awaiting_sign_off() -> QuerySet[AccountPlan]:
    """Submitted plans where every required review of this round agrees."""
    plans = AccountPlan.objects.filter(status=AccountPlan.Status.SUBMITTED).select_related("client")
    objected = PlanReview.objects.filter(
        decision=PlanReview.Decision.OBJECT, round=F("plan__review_round")
    ).values("plan_id")
    agreed_business = PlanReview.objects.filter(
        role=PlanReview.ReviewerRole.BUSINESS,
        decision=PlanReview.Decision.AGREE,
        round=F("plan__review_round"),
    ).values("plan_id")
    agreed_creative = PlanReview.objects.filter(
        role=PlanReview.ReviewerRole.CREATIVE,
        decision=PlanReview.Decision.AGREE,
        round=F("plan__review_round"),
    ).values("plan_id")
    has_cd = TeamMembership.objects.filter(
        team_role=Role.CREATIVE_DIRECTOR, user__is_active=True
    ).values("client_id")
    return (
        plans.exclude(pk__in=objected)
        .filter(pk__in=agreed_business)
        .filter(Q(pk__in=agreed_creative) | ~Q(client_id__in=has_cd))
        .order_by("submitted_at", "pk")
    )


def phase_goal_progress(plan: AccountPlan) -> dict:
    goals: list[PhaseGoal] = list(plan.phase_goals.all())
    done = sum(1 for g in goals if g.status == PhaseGoal.Status.DONE)
    return {
        "goals": goals,
        "done": done,
        "total": len(goals),
        "percent": round(100 * done / len(goals)) if goals else 0,
    }
