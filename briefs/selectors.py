"""Permission-scoped reads of briefs and everything under them.

`brief_get_for_user` is THE permission helper for a brief and what belongs to
it (creative work, files, judgments, escalations, jobs, PDF). Other apps
(meetings, billing) call `brief_get_for_user` and `brief_list_for_user`: keep
their names and signatures stable.
"""

from dataclasses import dataclass, replace

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Client, TeamMembership, User
from accounts.selectors import ClientAccess, client_access, client_work_ids_for
from agency.permissions import NOT_FOUND, object_or_404
from agency.roles import ACCOUNT_SERVICE, CREATIVES, Role

from . import approvers
from .approvers import BRIEFED_STATES
from .models import Brief, CreativeFile, CreativeWork, Escalation, Job, Judgment


@dataclass(frozen=True)
class BriefAccess:
    """What one user may do with one brief (the services check the state)."""

    client: ClientAccess
    can_view: bool
    can_edit: bool  # account service on team: write, agreement, brief, close, jobs
    # The approval steps: approvers.may_act (team role on this client, active,
    # MD fallback, never a second signature of the same person).
    can_creative_review: bool  # the creative director on team
    can_approve: bool  # AD on team (else the MD)
    can_sign: bool  # BD on team, or the MD
    can_planner_review: bool  # planner on team (else the MD)
    can_submit_work: bool  # creatives on team (incl. the creative director)
    can_judge_strategy: bool  # account service on team
    can_judge_quality: bool  # creative director on team
    can_move_jobs: bool  # traffic or account service on team

    @property
    def team_role(self) -> str | None:
        return self.client.team_role


S = Brief.Status

NO_BRIEF_ACCESS = BriefAccess(
    client=ClientAccess(None, False, False, False, False),
    can_view=False,
    can_edit=False,
    can_creative_review=False,
    can_approve=False,
    can_sign=False,
    can_planner_review=False,
    can_submit_work=False,
    can_judge_strategy=False,
    can_judge_quality=False,
    can_move_jobs=False,
)


def brief_access_for(user, brief: Brief) -> BriefAccess:
    """The one rule for seeing and acting on a brief."""
    access = client_access(user, brief.client)
    if not access.can_view_work:
        return NO_BRIEF_ACCESS
    team_role = access.team_role
    # Strategy first: creatives other than the creative director see a brief
    # only once it is briefed.
    if team_role == Role.CREATIVE and brief.status not in BRIEFED_STATES:
        return NO_BRIEF_ACCESS
    account = team_role in ACCOUNT_SERVICE

    def may(status):
        # Who may act on an approval step: briefs.approvers, nowhere else.
        return approvers.may_act(user, brief, status, team_role=team_role)

    return BriefAccess(
        client=access,
        can_view=True,
        can_edit=account,
        can_creative_review=may(S.CREATIVE_REVIEW),
        can_approve=may(S.STRATEGY_REVIEW),
        can_sign=may(S.APPROVED),
        can_planner_review=may(S.CLIENT_AGREED),
        can_submit_work=team_role in CREATIVES,
        can_judge_strategy=account,
        can_judge_quality=team_role == Role.CREATIVE_DIRECTOR,
        can_move_jobs=account or team_role == Role.TRAFFIC,
    )


def brief_access_for_client(user, client: Client) -> BriefAccess:
    """Access for a brief not yet written (creating one): a draft on `client`."""
    return brief_access_for(user, Brief(client=client, status=Brief.Status.DRAFT))


def _load(model, pk, **related):
    return object_or_404(model.objects.select_related(*related.get("sr", ())), pk)


def brief_get_for_user(user, pk) -> tuple[Brief, BriefAccess]:
    """Return the brief and the user's access; 404 if they may not see it."""
    brief = _load(
        Brief,
        pk,
        sr=(
            "client",
            "author",
            "strategy",
            "submitted_by",
            "creative_agreed_by",
            "approved_by",
            "signed_by",
            "client_agreed_by",
            "client_agreed_contact",
            "planner_reviewed_by",
            "briefed_by",
            "closed_by",
            "returned_by",
        ),
    )
    access = brief_access_for(user, brief)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return brief, access


def brief_list_for_user(user) -> QuerySet[Brief]:
    """Briefs the user may see: finance and outsiders none; creatives only briefed ones."""
    if not user.is_authenticated or user.role == Role.FINANCE:
        return Brief.objects.none()
    qs = Brief.objects.select_related("client", "author")
    ids = client_work_ids_for(user)
    if ids is not None:
        qs = qs.filter(client_id__in=ids)
    creative_on = TeamMembership.objects.filter(user=user, team_role=Role.CREATIVE).values(
        "client_id"
    )
    qs = qs.exclude(Q(client_id__in=creative_on) & ~Q(status__in=list(BRIEFED_STATES)))
    return qs.order_by("-created_at", "-pk")


# Read-only access to one piece of work (and its files) for the department
# head or MD deciding an escalation on it, who may not be on the team.
DECIDER_ACCESS = replace(NO_BRIEF_ACCESS, can_view=True)


def _work_access(user, work: CreativeWork) -> BriefAccess:
    access = brief_access_for(user, work.brief)
    if access.can_view or not user.is_authenticated:
        return access
    for esc in work.escalations.select_related("judgment"):
        if user.pk in (esc.head_by_id, esc.md_by_id) or can_decide_escalation(user, esc):
            return DECIDER_ACCESS
    return access


def work_get_for_user(user, pk) -> tuple[CreativeWork, BriefAccess]:
    work = _load(CreativeWork, pk, sr=("brief", "brief__client", "submitted_by"))
    access = _work_access(user, work)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return work, access


def file_get_for_user(user, pk) -> tuple[CreativeFile, BriefAccess]:
    f = _load(CreativeFile, pk, sr=("work", "work__brief", "work__brief__client"))
    access = _work_access(user, f.work)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return f, access


def escalation_get_for_user(user, pk) -> tuple[Escalation, BriefAccess]:
    esc = _load(
        Escalation,
        pk,
        sr=("work", "work__brief", "work__brief__client", "judgment", "raised_by"),
    )
    access = brief_access_for(user, esc.work.brief)
    # Deciders (department heads, the MD) may not be on the team: they see
    # the escalations they decide or decided.
    decided = user.pk is not None and user.pk in (esc.head_by_id, esc.md_by_id)
    if not access.can_view and not decided and not can_decide_escalation(user, esc):
        raise Http404(NOT_FOUND)
    return esc, access


def job_get_for_user(user, pk) -> tuple[Job, BriefAccess]:
    job = _load(Job, pk, sr=("brief", "brief__client", "template", "current_stage"))
    access = brief_access_for(user, job.brief)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return job, access


def escalation_function_roles(esc: Escalation) -> frozenset:
    """The function whose call is disputed: account's "on strategy?", creative's "good enough?"."""
    if esc.judgment.level == Judgment.Level.STRATEGY:
        return ACCOUNT_SERVICE
    return CREATIVES


def escalation_parties(esc: Escalation) -> set:
    """The judge and the one who disputes the judgment: neither decides it."""
    return {esc.raised_by_id, esc.judgment.judged_by_id}


def escalation_heads(esc: Escalation) -> QuerySet[User]:
    """Department heads of the disputed function who are not a party to it."""
    return User.objects.filter(
        is_active=True, is_department_head=True, role__in=escalation_function_roles(esc)
    ).exclude(pk__in=escalation_parties(esc))


def can_decide_escalation(user, esc: Escalation) -> bool:
    """The department head of the function decides first, never their own "no";
    when no independent head exists the MD decides at once (and it is final)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if esc.status == Escalation.Status.OPEN:
        if user.pk in escalation_parties(esc):
            return False
        if user.is_department_head and user.role in escalation_function_roles(esc):
            return True
        return user.role == Role.MD and not escalation_heads(esc).exists()
    if esc.status == Escalation.Status.CONTESTED:
        return user.role == Role.MD
    return False


def _independent_heads(roles) -> Exists:
    return Exists(
        User.objects.filter(is_active=True, is_department_head=True, role__in=roles)
        .exclude(pk=OuterRef("raised_by_id"))
        .exclude(pk=OuterRef("judgment__judged_by_id"))
    )


def escalations_to_decide(user) -> QuerySet[Escalation]:
    qs = Escalation.objects.select_related("work", "work__brief", "judgment")
    if user.role == Role.MD:
        no_head = (
            Q(judgment__level=Judgment.Level.STRATEGY) & ~_independent_heads(ACCOUNT_SERVICE)
        ) | (Q(judgment__level=Judgment.Level.QUALITY) & ~_independent_heads(CREATIVES))
        return qs.filter(
            Q(status=Escalation.Status.CONTESTED) | (Q(status=Escalation.Status.OPEN) & no_head)
        )
    if not user.is_department_head:
        return qs.none()
    levels = []
    if user.role in ACCOUNT_SERVICE:
        levels.append(Judgment.Level.STRATEGY)
    if user.role in CREATIVES:
        levels.append(Judgment.Level.QUALITY)
    return (
        qs.filter(status=Escalation.Status.OPEN, judgment__level__in=levels)
        .exclude(raised_by=user)
        .exclude(judgment__judged_by=user)
    )


def brief_detail_data(brief: Brief, access: BriefAccess) -> dict:
    works = list(
        brief.works.select_related("submitted_by")
        .prefetch_related("files", "judgments__judged_by", "escalations")
        .order_by("-version", "-pk")
    )
    jobs = list(brief.jobs.select_related("template", "current_stage", "current_stage__owner"))
    return {
        "works": works,
        "jobs": jobs,
        "creatives": list(brief.creatives.all()),
    }


def rejection_reasons_for_client(client: Client) -> dict:
    """Counts of "no" reason codes on the client's work: overall, per level, per creative."""
    nos = Judgment.objects.filter(work__brief__client=client, verdict=Judgment.Verdict.NO)
    labels = dict(Judgment.Reason.choices)
    by_reason = [
        {"reason": labels.get(r["reason"], r["reason"]), "code": r["reason"], "n": r["n"]}
        for r in nos.values("reason").annotate(n=Count("pk")).order_by("-n", "reason")
    ]
    level_labels = dict(Judgment.Level.choices)
    by_level = [
        {
            "level": level_labels.get(r["level"]),
            "reason": labels.get(r["reason"]),
            "n": r["n"],
        }
        for r in nos.values("level", "reason").annotate(n=Count("pk")).order_by("level", "-n")
    ]
    by_creative = [
        {
            "creative": r["work__submitted_by__full_name"] or r["work__submitted_by__username"],
            "reason": labels.get(r["reason"]),
            "n": r["n"],
        }
        for r in nos.values(
            "work__submitted_by__full_name", "work__submitted_by__username", "reason"
        )
        .annotate(n=Count("pk"))
        .order_by("work__submitted_by__full_name", "-n")
    ]
    return {
        "total": sum(r["n"] for r in by_reason),
        "by_reason": by_reason,
        "by_level": by_level,
        "by_creative": by_creative,
    }
