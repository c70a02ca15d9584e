"""Who may act now on an account plan: THE one place that says it.

A submitted plan waits on its reviewers, then on the MD's sign-off:

- the business reviewer is the BD on this client's team; when no active BD is
  on the team, the MD reviews in the BD's stead (any active MD);
- the creative reviewer is the creative director on the team; without an
  active CD on the team no creative review is needed;
- "on the team" means a membership row of THIS client with that team role
  (one row: a role held on another client's team never counts here), and only
  active users count (an offboarded BD leaves the review to the MD);
- once every required review agreed, the MD signs off.

Segregation of duties (issue 18):

- the plan's author (who started this revision, or submitted it) never
  reviews it, even when they hold the BD or CD team role, and never signs it
  off;
- one person gives at most one review of a submission (an MD who is the CD on
  the team and also the business fallback gives the creative review; another
  MD gives the business one);
- the MD who reviewed as the business fallback MAY still sign off: that is the
  handbook's normal small-team case (no BD on the team), not a second
  signature by the wrong person.

Everything that asks "who may act" calls this module: the access checks
(`selectors.plan_access_for_client`), the services' refusals and notify
targets, the dashboard (`providers`) and the reminder (`reminders`). Each rule
is the pure `PlanFacts` method below; the loaders only fetch the facts (in bulk
for lists, so a list costs a fixed number of queries).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from accounts.models import Client, TeamMembership, User
from accounts.reminders import unique_users
from accounts.selectors import client_lead, team_members
from agency.permissions import NOT_ALLOWED
from agency.roles import ACCOUNT_SERVICE, Role

from .models import AccountPlan, PlanReview

BUSINESS = PlanReview.ReviewerRole.BUSINESS.value
CREATIVE = PlanReview.ReviewerRole.CREATIVE.value

# Stages of `waiting_on(plan)`.
REVIEW = "review"
SIGNOFF = "signoff"

ERR_ALREADY_REVIEWED = _("You have already reviewed this submission.")
ERR_REVIEW_GIVEN = _("This review has already been given for this submission.")
ERR_AUTHOR_REVIEWS = _(
    "You wrote or submitted this plan, so you cannot review it: another reviewer must agree."
)
ERR_SECOND_REVIEW = _(
    "You have already given one review of this submission; "
    "the same person cannot give both reviews."
)
ERR_NOT_ALL_AGREED = _("The MD can sign off only when every reviewer has agreed.")
ERR_AUTHOR_SIGNS_OFF = _(
    "You wrote or submitted this plan, so you cannot sign it off: another MD must sign it off."
)


class Waiting(NamedTuple):
    """What a plan waits for: stage (REVIEW, SIGNOFF or None), since when, and who may act."""

    stage: str | None
    since: datetime | None
    people: list


NOT_WAITING = Waiting(None, None, [])


def _is_md(user) -> bool:
    return user.is_active and user.role == Role.MD


def _active_mds() -> list:
    return list(User.objects.filter(role=Role.MD, is_active=True).order_by("full_name", "pk"))


@dataclass
class _Team:
    """The active BDs and CDs on one client's team, and the active MDs (loaded when asked)."""

    bds: list = field(default_factory=list)
    cds: list = field(default_factory=list)
    loaded_mds: list | None = None

    @property
    def mds(self) -> list:
        if self.loaded_mds is None:
            self.loaded_mds = _active_mds()
        return self.loaded_mds

    def reviewers(self, role: str) -> list:
        if role == BUSINESS:
            return self.bds or self.mds
        return self.cds

    def required_roles(self) -> list[str]:
        return [BUSINESS, CREATIVE] if self.cds else [BUSINESS]

    def roles_of(self, user) -> list[str]:
        """The review roles `user` holds on this team: by team role first, the MD fallback last."""
        roles = []
        if any(u.pk == user.pk for u in self.bds):
            roles.append(BUSINESS)
        if any(u.pk == user.pk for u in self.cds):
            roles.append(CREATIVE)
        if not self.bds and _is_md(user):
            roles.append(BUSINESS)
        return roles


@dataclass
class PlanFacts:
    """Everything the rules need about one plan."""

    plan: AccountPlan
    team: _Team
    reviews: dict  # this round's reviews by role

    @property
    def authors(self) -> set:
        return {pk for pk in (self.plan.created_by_id, self.plan.submitted_by_id) if pk}

    def missing_roles(self) -> list[str]:
        return [r for r in self.team.required_roles() if r not in self.reviews]

    def objected(self) -> bool:
        return any(r.decision == PlanReview.Decision.OBJECT for r in self.reviews.values())

    def all_agreed(self) -> bool:
        return (
            self.plan.status == AccountPlan.Status.SUBMITTED
            and not self.objected()
            and not self.missing_roles()
        )

    def reviewed_by(self, user) -> list[str]:
        return [role for role, r in self.reviews.items() if r.reviewer_id == user.pk]

    def review_refusal(self, user) -> tuple[str | None, object]:
        """(the role `user` reviews as now, None) or (None, the refusal)."""
        roles = self.team.roles_of(user)
        if not roles:
            return None, NOT_ALLOWED
        if user.pk in self.authors:
            return None, ERR_AUTHOR_REVIEWS
        open_roles = [r for r in roles if r not in self.reviews]
        if self.reviewed_by(user):
            return None, ERR_SECOND_REVIEW if open_roles else ERR_ALREADY_REVIEWED
        if not open_roles:
            return None, ERR_REVIEW_GIVEN
        return open_roles[0], None

    def may_review_as(self, user, role) -> bool:
        return (
            any(u.pk == user.pk for u in self.team.reviewers(role))
            and user.pk not in self.authors
            and not self.reviewed_by(user)
        )

    def may_review(self, user) -> bool:
        return (
            self.plan.status == AccountPlan.Status.SUBMITTED
            and user.is_authenticated
            and user.is_active
            and self.review_refusal(user)[0] is not None
        )

    def may_sign_off(self, user) -> bool:
        return (
            self.plan.status == AccountPlan.Status.SUBMITTED
            and signs_off(user)
            and self.sign_off_refusal(user) is None
        )

    def sign_off_refusal(self, user):
        if not self.all_agreed():
            return ERR_NOT_ALL_AGREED
        if user.pk in self.authors:
            return ERR_AUTHOR_SIGNS_OFF
        return None

    def missing_reviews(self) -> list[tuple[str, list]]:
        """(role, people who may give it) for each review still missing."""
        if self.plan.status != AccountPlan.Status.SUBMITTED:
            return []
        return [
            (role, [u for u in self.team.reviewers(role) if self.may_review_as(u, role)])
            for role in self.missing_roles()
        ]

    def waiting(self) -> Waiting:
        if self.plan.status != AccountPlan.Status.SUBMITTED or self.objected():
            return NOT_WAITING
        missing = self.missing_reviews()
        if missing:
            people = unique_users(u for _role, users in missing for u in users)
            return Waiting(REVIEW, self.plan.submitted_at, people)
        last = max((r.created_at for r in self.reviews.values()), default=None)
        people = [u for u in self.team.mds if u.pk not in self.authors]
        return Waiting(SIGNOFF, last or self.plan.submitted_at, people)


# ------------------------------------------------------------------ loaders


def _teams(client_ids, mds=None) -> dict:
    """{client_id: _Team}: one query for the BD/CD memberships of all `client_ids`
    (`mds`: the active MDs when already loaded, shared by every team)."""
    teams = {pk: _Team(loaded_mds=mds) for pk in client_ids}
    memberships = (
        TeamMembership.objects.filter(
            client_id__in=list(client_ids),
            team_role__in=[Role.BD, Role.CREATIVE_DIRECTOR],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    for m in memberships:
        team = teams[m.client_id]
        (team.bds if m.team_role == Role.BD else team.cds).append(m.user)
    return teams


def _team(client: Client) -> _Team:
    return _teams([client.pk])[client.pk]


def current_reviews(plan: AccountPlan) -> dict[str, PlanReview]:
    """This submission's reviews by role."""
    return {
        r.role: r for r in plan.reviews.filter(round=plan.review_round).select_related("reviewer")
    }


def _facts(plan: AccountPlan) -> PlanFacts:
    return PlanFacts(plan=plan, team=_team(plan.client), reviews=current_reviews(plan))


def plan_facts(plan: AccountPlan) -> PlanFacts:
    """The facts of one plan, loaded once, for a page that asks several questions
    (`.may_review(user)`, `.may_sign_off(user)`, `.sign_off_refusal(user)`,
    `.missing_reviews()`, `.all_agreed()`, `.waiting()`)."""
    return _facts(plan)


def _facts_for(plans: list[AccountPlan]) -> list[PlanFacts]:
    """The facts of many plans in three queries (reviews, teams, MDs)."""
    teams = _teams({p.client_id for p in plans}, mds=_active_mds())
    by_plan: dict = {p.pk: {} for p in plans}
    rounds = {p.pk: p.review_round for p in plans}
    for r in PlanReview.objects.filter(plan__in=[p.pk for p in plans]).select_related("reviewer"):
        if r.round == rounds[r.plan_id]:
            by_plan[r.plan_id][r.role] = r
    return [PlanFacts(plan=p, team=teams[p.client_id], reviews=by_plan[p.pk]) for p in plans]


# ------------------------------------------------------------------ the API


def business_reviewers(client: Client) -> list:
    """The active BD(s) on the team; without one, the active MD(s)."""
    return _team(client).reviewers(BUSINESS)


def creative_reviewers(client: Client) -> list:
    """The active creative director(s) on the team."""
    return _team(client).reviewers(CREATIVE)


def required_review_roles(client: Client) -> list[str]:
    """Business always; creative when an active CD is on the team."""
    return _team(client).required_roles()


def review_roles(user, client: Client) -> tuple[str, ...]:
    """The review roles `user` holds on this client (whatever the plan's state): for access."""
    if not user.is_authenticated or not user.is_active:
        return ()
    return tuple(_team(client).roles_of(user))


def signs_off(user) -> bool:
    """The MD signs plans off (and returns them)."""
    return user.is_authenticated and _is_md(user)


def review_refusal(user, plan: AccountPlan) -> tuple[str | None, object]:
    """(role, None) when `user` may review the submitted `plan` now, else (None, refusal)."""
    return _facts(plan).review_refusal(user)


def sign_off_refusal(user, plan: AccountPlan):
    """None when the MD `user` may sign off the submitted `plan` now, else the refusal."""
    return _facts(plan).sign_off_refusal(user)


def all_agreed(plan: AccountPlan) -> bool:
    return _facts(plan).all_agreed()


def may_review(user, plan: AccountPlan) -> bool:
    """`user` may agree or object to `plan` now."""
    return _facts(plan).may_review(user)


def may_sign_off(user, plan: AccountPlan) -> bool:
    """`user` may sign `plan` off now."""
    return _facts(plan).may_sign_off(user)


def missing_reviews(plan: AccountPlan) -> list[tuple[str, list]]:
    """(role, people who may give it) for each review this submission still needs."""
    return _facts(plan).missing_reviews()


def waiting_on(plan: AccountPlan) -> Waiting:
    """(stage, since, people): who the plan waits for now, and since when."""
    return _facts(plan).waiting()


def with_waiting(plans) -> list[AccountPlan]:
    """The plans, each with `.awaiting` (its `waiting_on`), in a fixed number of queries."""
    plans = list(plans)
    for facts in _facts_for(plans):
        facts.plan.awaiting = facts.waiting()
    return plans


def plans_awaiting(user, stage: str | None = None) -> list[AccountPlan]:
    """Submitted plans waiting on `user` (at `stage`, or any), oldest wait first.

    Each plan carries `.awaiting`. Candidates are the submitted plans of the
    clients where the user is BD or CD on the team (every client for the MD);
    the rules above decide.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    qs = AccountPlan.objects.filter(status=AccountPlan.Status.SUBMITTED).select_related("client")
    if user.role != Role.MD:
        if stage == SIGNOFF:
            return []
        qs = qs.filter(
            client_id__in=TeamMembership.objects.filter(
                user=user, team_role__in=[Role.BD, Role.CREATIVE_DIRECTOR]
            ).values("client_id")
        )
    plans = list(qs)
    if not plans:
        return []
    out = [
        p
        for p in with_waiting(plans)
        if (stage is None or p.awaiting.stage == stage)
        and any(u.pk == user.pk for u in p.awaiting.people)
    ]
    return sorted(out, key=lambda p: (p.awaiting.since or p.submitted_at, p.pk))


def account_people_to_tell(plan: AccountPlan) -> list:
    """Who acts next on a plan sent back to draft: its author(s) and the account lead,
    while they are active account service on this client's team."""
    allowed = set(team_members(plan.client, ACCOUNT_SERVICE).values_list("pk", flat=True))
    candidates = [plan.submitted_by, plan.created_by, client_lead(plan.client)]
    return [u for u in unique_users(candidates) if u.pk in allowed]
