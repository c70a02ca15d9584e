"""Who may act on a brief now: THE module for the brief workflow's rules.

It holds, once:

- the state order (the order `Brief.Status` is declared in), which status
  follows which, which statuses are "briefed" (creatives other than the
  creative director see the brief), which ones let creative work be submitted
  and judged, which ones mean "signed";
- the approval steps: for each, the team role that acts, whether the MD
  stands in when the team has no active holder of that role, whether the MD
  may act anyway (signing), the stamp that says since when the brief waits,
  and the earlier signatures its actor must not hold (segregation of duties:
  one person never holds two signatures of one brief);
- `approvers(brief)`: the people asked to act on the current step (emailed,
  reminded, listed on their dashboard);
- `may_act(user, brief, status)`: whether the user may act on that step
  (the brief page's buttons and every service ask it);
- `briefs_awaiting(user)`: the briefs whose current step waits for the user
  (the dashboard sections), one query.

Access (briefs.selectors), the services' notify targets, the dashboard
(briefs.providers) and the reminder (briefs.reminders) all ask this module;
nothing else decides who approves a brief.

Team roles are read on THIS client's team (one membership row), active users
only: a deactivated AD (offboarded) is nobody, so the MD stands in for them.
"""

from dataclasses import dataclass
from itertools import pairwise

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import TeamMembership, User
from accounts.selectors import team_members, users_with_role
from agency.errors import DomainError
from agency.permissions import NOT_ALLOWED
from agency.roles import Role

from .models import Brief

S = Brief.Status

# ---------------------------------------------------------------- state order

# The workflow order is the order the statuses are declared in.
ORDER: tuple[str, ...] = tuple(S)
# Which status follows which (closed is the end).
NEXT: dict[str, str] = dict(pairwise(ORDER))


def from_on(status) -> frozenset:
    """`status` and every status after it."""
    return frozenset(ORDER[ORDER.index(status) :])


# Creatives other than the creative director see the brief from here on.
BRIEFED_STATES = from_on(S.BRIEFED)
# Creative work is submitted, judged and revised only while the brief is open.
WORK_OPEN_STATES = frozenset({S.BRIEFED, S.IN_PROGRESS})
# Jobs are created on briefed briefs that are not closed.
JOB_STATES = WORK_OPEN_STATES
# Someone signed (the database constraint brief_signed_states_have_signature).
SIGNED_STATES = from_on(S.SIGNED)


# ---------------------------------------------------------------- approval steps

ERR_SIGNER_APPROVED = _(
    "You approved this strategy: someone else signs it (a BD on the team, or another MD)."
)
ERR_APPROVER_AGREED = _(
    "You agreed to this strategy as creative director: someone else approves it "
    "(an AD on the team, or the MD)."
)

# The sign-offs of the strategy, in order: one person holds at most one of them.
SIGNATURE_FIELDS = ("creative_agreed_by", "approved_by", "signed_by")

# The signature field -> the refusal given to its holder at a later step.
_SIGNATURE_ERRORS = {
    "creative_agreed_by": ERR_APPROVER_AGREED,
    "approved_by": ERR_SIGNER_APPROVED,
}


@dataclass(frozen=True)
class Step:
    status: str  # the brief waits in this status
    since: str  # the stamp of entering it
    role: str  # the team role (on this client) that acts
    md_fallback: bool  # the MD acts when the team has no active holder who may
    md_always: bool  # the MD may act even when the team has one (not asked then)
    # Earlier signatures on this brief: their holder never acts on this step.
    not_by: tuple[str, ...] = ()
    # The agency role that acts when neither the team nor any MD may (the MD
    # approved as the AD's stand-in and so cannot also sign: the BD signs).
    last_resort: str | None = None


STEPS: dict[str, Step] = {
    s.status: s
    for s in (
        # The creative director on the team; no MD fallback (PERMISSIONS.md):
        # a brief cannot be submitted without one (ERR_NO_CREATIVE_DIRECTOR).
        Step(S.CREATIVE_REVIEW, "submitted_at", Role.CREATIVE_DIRECTOR, False, False),
        # The AD on the team, else the MD.
        Step(
            S.STRATEGY_REVIEW,
            "creative_agreed_at",
            Role.AD,
            True,
            False,
            not_by=("creative_agreed_by",),
        ),
        # The BD on the team, or the MD (asked when the team has no BD). The
        # one who approved never signs: when the MD approved in the AD's place
        # and the team has no BD, the agency's BD signs (the BD sees every
        # client), or another MD.
        Step(
            S.APPROVED,
            "approved_at",
            Role.BD,
            True,
            True,
            not_by=("creative_agreed_by", "approved_by"),
            last_resort=Role.BD,
        ),
        # The planner on the team, else the MD.
        Step(S.CLIENT_AGREED, "client_agreed_at", Role.PLANNER, True, False),
    )
}
APPROVAL_STATES = frozenset(STEPS)


def signatories(brief: Brief) -> list[User]:
    """The active people who signed off this brief's strategy so far."""
    ids = [getattr(brief, f"{name}_id") for name in SIGNATURE_FIELDS]
    return list(User.objects.filter(is_active=True, pk__in=[i for i in ids if i]).order_by("pk"))


def step_of(brief: Brief) -> Step | None:
    return STEPS.get(brief.status)


def waiting_since(brief: Brief):
    step = step_of(brief)
    return getattr(brief, step.since) if step else None


def _signature_error(user, brief: Brief, step: Step):
    """The refusal when `user` already holds an earlier signature of this brief."""
    for field in step.not_by:
        if user.pk is not None and getattr(brief, f"{field}_id") == user.pk:
            return _SIGNATURE_ERRORS[field]
    return None


def _team_holders(brief: Brief, step: Step) -> list[User]:
    """Active holders of the step's team role on this client who may act."""
    return [
        u
        for u in team_members(brief.client, [step.role]).order_by("pk")
        if _signature_error(u, brief, step) is None
    ]


def _agency(role: str, brief: Brief, step: Step) -> list[User]:
    """Active users of an agency role who hold no earlier signature of this brief."""
    return [
        u for u in users_with_role(role).order_by("pk") if _signature_error(u, brief, step) is None
    ]


def _mds(brief: Brief, step: Step) -> list[User]:
    return _agency(Role.MD, brief, step)


def approvers(brief: Brief) -> list[User]:
    """The people asked to act on the brief's current approval step.

    Active holders of the step's team role on this client's team; when there
    is none (or none who may, see Step.not_by) and the step falls back, the
    active MDs. Empty when the brief is not at an approval step.
    """
    step = step_of(brief)
    if step is None:
        return []
    people = _team_holders(brief, step)
    if not people and step.md_fallback:
        people = _mds(brief, step)
    if not people and step.last_resort:
        people = _agency(step.last_resort, brief, step)
    return people


_UNKNOWN = object()


def _team_role(user, brief: Brief):
    m = TeamMembership.objects.filter(client_id=brief.client_id, user=user).first()
    return m.team_role if m else None


def _eligible(user, brief: Brief, step: Step, team_role=_UNKNOWN) -> bool:
    """By role only (no segregation): the team role on THIS client, or the MD."""
    if not user.is_authenticated or not user.is_active:
        return False
    if team_role is _UNKNOWN:
        team_role = _team_role(user, brief)
    if team_role == step.role:
        return True
    if user.role == Role.MD:
        return step.md_always or (step.md_fallback and not _team_holders(brief, step))
    if user.role == step.last_resort:
        return not _team_holders(brief, step) and not _mds(brief, step)
    return False


def may_act(user, brief: Brief, status: str | None = None, *, team_role=_UNKNOWN) -> bool:
    """May `user` act on the approval step `status` (default: the brief's current one)?

    `team_role` is the user's team role on the brief's client when the caller
    already read it (brief_access_for), to save a query.
    """
    step = STEPS.get(status or brief.status)
    if step is None:
        return False
    return _signature_error(user, brief, step) is None and _eligible(user, brief, step, team_role)


def ensure_may_act(user, brief: Brief, status: str) -> None:
    """Raise the refusal for a user who may not act on step `status`:
    the segregation-of-duties DomainError when that is the reason, else a 403."""
    step = STEPS[status]
    error = _signature_error(user, brief, step)
    if error is not None and _eligible(user, brief, step):
        raise DomainError(error)
    if not may_act(user, brief, status):
        raise PermissionDenied(NOT_ALLOWED)


def briefs_awaiting(user, status: str | None = None) -> QuerySet[Brief]:
    """The briefs whose current approval step waits for `user` (one query).

    Exactly the briefs for which `user in approvers(brief)`; `status` narrows
    to one step (a dashboard section).
    """
    if not user.is_authenticated or not user.is_active:
        return Brief.objects.none()
    steps = [STEPS[status]] if status else list(STEPS.values())
    cond = Q()
    for step in steps:
        cond |= Q(status=step.status) & _awaits(user, step)
    return Brief.objects.filter(cond)


def _awaits(user, step: Step) -> Q:
    not_signed_by_user = Q()
    for field in step.not_by:
        not_signed_by_user &= ~Q(**{field: user})
    on_team = Exists(
        TeamMembership.objects.filter(client=OuterRef("client"), user=user, team_role=step.role)
    )
    holders = TeamMembership.objects.filter(
        client=OuterRef("client"), team_role=step.role, user__is_active=True
    )
    mds = User.objects.filter(role=Role.MD, is_active=True)
    for field in step.not_by:
        # Whoever already signed this brief does not count (no user has pk 0).
        signed = Coalesce(OuterRef(f"{field}_id"), Value(0))
        holders = holders.exclude(user_id=signed)
        mds = mds.exclude(pk=signed)
    cond = on_team
    if step.md_fallback and user.role == Role.MD:
        cond = cond | ~Exists(holders)
    if step.last_resort and user.role == step.last_resort:
        cond = cond | (~Exists(holders) & ~Exists(mds))
    return cond & not_signed_by_user
