"""Every write to account plans and every transition of their workflow.

    draft → submitted → (BD-on-team, else MD; and the CD on the team:
    agree / object) → MD signs off → approved.  An objection or a return
    sends it back to draft.  An approved plan changes only by starting
    revision N+1, a draft copying every row.

Each service re-checks the actor through `plan_access_for_client` (views
check too, but a service must be safe on its own); who may review or sign
off THIS plan now, and who is told, comes from `plans.approvers`. It locks the plan row,
guards the state, records the timeline in the same transaction and queues
emails on commit (`notify`).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, User
from accounts.selectors import team_members
from agency.dates import check_year
from agency.errors import DomainError
from agency.events import publish
from agency.notifications import notify
from agency.permissions import deny_unless
from agency.timeline import timeline_record

from . import approvers

# The refusals of "who may act now" are decided in approvers and raised here.
from .approvers import ERR_ALREADY_REVIEWED as ERR_ALREADY_REVIEWED
from .approvers import ERR_AUTHOR_REVIEWS as ERR_AUTHOR_REVIEWS
from .approvers import ERR_AUTHOR_SIGNS_OFF as ERR_AUTHOR_SIGNS_OFF
from .approvers import ERR_NOT_ALL_AGREED as ERR_NOT_ALL_AGREED
from .approvers import ERR_REVIEW_GIVEN as ERR_REVIEW_GIVEN
from .approvers import ERR_SECOND_REVIEW as ERR_SECOND_REVIEW
from .models import AccountPlan, Activity, PhaseGoal, PlanReview, Strategy
from .selectors import plan_access_for_client

PLAN_FIELDS = ("posture", "annual_goals", "training_plan", "revenue_target", "cost_target")
PHASE_GOAL_FIELDS = ("title", "measure", "due_date", "status")
STRATEGY_FIELDS = ("title", "description")
ACTIVITY_FIELDS = (
    "what",
    "owner",
    "quarter",
    "budget",
    "account_hours",
    "creative_hours",
    "planner_hours",
    "media_hours",
)

ERR_PLAN_EXISTS = _("This client already has a plan for %(year)s.")
ERR_NOT_DRAFT = _("Only a draft plan can be edited; start a revision to change an approved plan.")
ERR_STALE = _(
    "Someone else saved this plan while you were editing it. Your changes were not saved: "
    "compare them with the newer values below, then save again."
)
ERR_SUBMIT_NOT_DRAFT = _("Only a draft plan can be submitted.")
ERR_INCOMPLETE = _(
    "Before submitting, the plan needs at least one annual goal, one phase goal and one strategy."
)
ERR_NOT_SUBMITTED = _("This plan is not waiting for review.")
ERR_OBJECTION_NEEDS_COMMENT = _("An objection must say why.")
ERR_BAD_DECISION = _("Choose agree or object.")
ERR_RETURN_NEEDS_REASON = _("Returning a plan needs a reason.")
ERR_REVISION_NOT_APPROVED = _("Only an approved plan can be revised.")
ERR_REVISION_EXISTS = _("A newer revision of this plan already exists.")
ERR_PHASE_GOAL_NOT_APPROVED = _("Progress is tracked on an approved plan.")
ERR_BAD_PROGRESS = _("Choose a valid progress status.")


class StalePlanError(DomainError):
    """The plan changed since the form was loaded; carries the newer plan."""

    def __init__(self, message, current: AccountPlan):
        super().__init__(message)
        self.current = current


@dataclass
class RowChanges:
    """Formset rows as cleaned data: `instance` is None for a new row."""

    upsert: list[tuple[object | None, dict]] = field(default_factory=list)
    delete: list[object] = field(default_factory=list)


def _assign(obj, data: dict, fields) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def _locked(plan: AccountPlan) -> AccountPlan:
    """Re-read the plan under a row lock: the state we guard is the committed one."""
    return AccountPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)


def plan_default_year() -> int:
    """From 1 December, new plans are for the coming year."""
    today = timezone.localdate()
    return today.year + 1 if today.month == 12 else today.year


@transaction.atomic
def plan_create(*, actor: User, client: Client, year: int) -> AccountPlan:
    deny_unless(plan_access_for_client(actor, client).can_edit)
    check_year(year)
    if AccountPlan.objects.filter(client=client, year=year).exists():
        raise DomainError(ERR_PLAN_EXISTS, year=year)
    plan = AccountPlan(client=client, year=year, revision=1, created_by=actor)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Two people starting the same plan at once: the constraint decides.
        raise DomainError(ERR_PLAN_EXISTS, year=year) from None
    timeline_record(obj=plan, action="created", actor=actor)
    return plan


def _apply_rows(model, plan, changes: RowChanges, fields, *, m2m=None) -> int:
    """Apply one formset's rows; returns how many rows changed."""
    n = 0
    for obj in changes.delete:
        if obj is not None and obj.pk and obj.plan_id == plan.pk:
            obj.delete()
            n += 1
    for position, (obj, data) in enumerate(changes.upsert):
        if obj is None:
            obj = model(plan=plan)
        elif obj.plan_id != plan.pk:
            continue  # the formset's queryset already refuses foreign ids; belt and braces
        changed = _assign(obj, data, fields)
        if obj.position != position:
            obj.position = position
            changed.append("position")
        if obj.pk is None:
            obj.save()
            n += 1
        elif changed:
            obj.save(update_fields=changed)
            n += 1
        if m2m and m2m in data:
            wanted = {g.pk for g in data[m2m] if g.plan_id == plan.pk}
            current = set(getattr(obj, m2m).values_list("pk", flat=True))
            if wanted != current:
                getattr(obj, m2m).set(wanted)
                n += 1
    return n


@transaction.atomic
def plan_save(
    *,
    actor: User,
    plan: AccountPlan,
    version: int,
    data: dict,
    phase_goals: RowChanges | None = None,
    strategies: RowChanges | None = None,
    activities: RowChanges | None = None,
) -> AccountPlan:
    """Save the one-page plan form. `version` is the one the form was loaded with."""
    deny_unless(plan_access_for_client(actor, plan.client).can_edit)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.DRAFT:
        raise DomainError(ERR_NOT_DRAFT)
    if plan.version != version:
        raise StalePlanError(ERR_STALE, plan)
    changed = _assign(plan, data, PLAN_FIELDS)
    # Phase goals first: strategies link to them.
    rows = _apply_rows(PhaseGoal, plan, phase_goals or RowChanges(), PHASE_GOAL_FIELDS)
    rows += _apply_rows(
        Strategy, plan, strategies or RowChanges(), STRATEGY_FIELDS, m2m="phase_goals"
    )
    rows += _apply_rows(Activity, plan, activities or RowChanges(), ACTIVITY_FIELDS)
    if changed or rows:
        # Conditional bump: even without row locks (SQLite) a concurrent save
        # that got here first makes this update match nothing.
        updated = AccountPlan.objects.filter(pk=plan.pk, version=version).update(
            version=F("version") + 1,
            updated_at=timezone.now(),
            **{name: getattr(plan, name) for name in changed},
        )
        if updated != 1:
            transaction.set_rollback(True)
            raise StalePlanError(ERR_STALE, AccountPlan.objects.get(pk=plan.pk))
        plan.refresh_from_db()
        timeline_record(obj=plan, action="edited", actor=actor, data={"fields": changed})
    return plan


def plan_missing_parts(plan: AccountPlan) -> list[str]:
    missing = []
    if not plan.annual_goals.strip():
        missing.append("annual_goals")
    if not plan.phase_goals.exists():
        missing.append("phase_goals")
    if not plan.strategies.exists():
        missing.append("strategies")
    return missing


@transaction.atomic
def plan_submit(*, actor: User, plan: AccountPlan) -> AccountPlan:
    deny_unless(plan_access_for_client(actor, plan.client).can_edit)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.DRAFT:
        raise DomainError(ERR_SUBMIT_NOT_DRAFT)
    if plan_missing_parts(plan):
        raise DomainError(ERR_INCOMPLETE)
    plan.status = AccountPlan.Status.SUBMITTED
    plan.review_round += 1
    plan.submitted_by = actor
    plan.submitted_at = timezone.now()
    plan.return_reason = ""
    plan.save(
        update_fields=[
            "status",
            "review_round",
            "submitted_by",
            "submitted_at",
            "return_reason",
            "updated_at",
        ]
    )
    timeline_record(obj=plan, action="submitted", actor=actor)
    notify(
        recipients=approvers.waiting_on(plan).people,
        template="plans/submitted",
        context={"plan": plan, "actor": actor},
        obj=plan,
    )
    return plan


def plan_all_agreed(plan: AccountPlan) -> bool:
    return approvers.all_agreed(plan)


@transaction.atomic
def plan_review(*, actor: User, plan: AccountPlan, decision: str, comment: str = "") -> PlanReview:
    """The BD on the team (else the MD) and the CD on the team agree or object.

    One review per person and submission (plans.approvers says which role the
    actor reviews as, and refuses the plan's author and a second review).
    """
    access = plan_access_for_client(actor, plan.client)
    deny_unless(access.can_review)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.SUBMITTED:
        raise DomainError(ERR_NOT_SUBMITTED)
    comment = (comment or "").strip()
    if decision not in PlanReview.Decision.values:
        raise DomainError(ERR_BAD_DECISION)
    if decision == PlanReview.Decision.OBJECT and not comment:
        raise DomainError(ERR_OBJECTION_NEEDS_COMMENT)
    role, refusal = approvers.review_refusal(actor, plan)
    if refusal is not None:
        raise DomainError(refusal)
    review = PlanReview.objects.create(
        plan=plan,
        reviewer=actor,
        role=role,
        decision=decision,
        comment=comment,
        round=plan.review_round,
    )
    if decision == PlanReview.Decision.OBJECT:
        plan.status = AccountPlan.Status.DRAFT
        plan.save(update_fields=["status", "updated_at"])
        timeline_record(obj=plan, action="objected", actor=actor, comment=comment)
        notify(
            recipients=approvers.account_people_to_tell(plan),
            template="plans/returned",
            context={"plan": plan, "actor": actor, "reason": comment, "objection": True},
            obj=plan,
        )
        return review
    timeline_record(obj=plan, action="agreed", actor=actor, comment=comment)
    waiting = approvers.waiting_on(plan)
    if waiting.stage == approvers.SIGNOFF:
        timeline_record(obj=plan, action="all_agreed", actor=None)
        notify(
            recipients=waiting.people,
            template="plans/agreed",
            context={"plan": plan},
            obj=plan,
        )
    return review


@transaction.atomic
def plan_sign_off(*, actor: User, plan: AccountPlan, comment: str = "") -> AccountPlan:
    """The MD signs off once every required reviewer agreed. The MD who reviewed as
    the business fallback may sign off (the small-team case); the plan's author may not."""
    deny_unless(plan_access_for_client(actor, plan.client).can_sign_off)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.SUBMITTED:
        raise DomainError(ERR_NOT_SUBMITTED)
    refusal = approvers.sign_off_refusal(actor, plan)
    if refusal is not None:
        raise DomainError(refusal)
    plan.status = AccountPlan.Status.APPROVED
    plan.signed_off_by = actor
    plan.signed_off_at = timezone.now()
    plan.save(update_fields=["status", "signed_off_by", "signed_off_at", "updated_at"])
    # An earlier approved revision of the same year is replaced by this one.
    AccountPlan.objects.filter(
        client=plan.client,
        year=plan.year,
        status=AccountPlan.Status.APPROVED,
        revision__lt=plan.revision,
    ).update(status=AccountPlan.Status.SUPERSEDED)
    timeline_record(obj=plan, action="signed_off", actor=actor, comment=(comment or "").strip())
    publish("plan.approved", plan)
    notify(
        recipients=team_members(plan.client),
        template="plans/signed_off",
        context={"plan": plan, "actor": actor, "comment": comment},
        obj=plan,
    )
    return plan


@transaction.atomic
def plan_return(*, actor: User, plan: AccountPlan, reason: str) -> AccountPlan:
    deny_unless(plan_access_for_client(actor, plan.client).can_sign_off)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.SUBMITTED:
        raise DomainError(ERR_NOT_SUBMITTED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERR_RETURN_NEEDS_REASON)
    plan.status = AccountPlan.Status.DRAFT
    plan.return_reason = reason
    plan.save(update_fields=["status", "return_reason", "updated_at"])
    timeline_record(obj=plan, action="returned", actor=actor, comment=reason)
    notify(
        recipients=approvers.account_people_to_tell(plan),
        template="plans/returned",
        context={"plan": plan, "actor": actor, "reason": reason, "objection": False},
        obj=plan,
    )
    return plan


@transaction.atomic
def plan_start_revision(*, actor: User, plan: AccountPlan) -> AccountPlan:
    """Revision N+1 as a draft copying every row; the approved one stays readable."""
    deny_unless(plan_access_for_client(actor, plan.client).can_edit)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.APPROVED:
        raise DomainError(ERR_REVISION_NOT_APPROVED)
    latest = AccountPlan.objects.filter(client=plan.client, year=plan.year).aggregate(
        n=Max("revision")
    )["n"]
    if latest != plan.revision:
        raise DomainError(ERR_REVISION_EXISTS)
    new = AccountPlan(
        client=plan.client,
        year=plan.year,
        revision=plan.revision + 1,
        previous=plan,
        created_by=actor,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        raise DomainError(ERR_REVISION_EXISTS) from None
    goal_map = {}
    for goal in plan.phase_goals.all():
        copy = PhaseGoal.objects.create(
            plan=new,
            copied_from=goal,
            position=goal.position,
            **{name: getattr(goal, name) for name in PHASE_GOAL_FIELDS},
        )
        goal_map[goal.pk] = copy.pk
    for strategy in plan.strategies.prefetch_related("phase_goals"):
        copy = Strategy.objects.create(
            plan=new,
            copied_from=strategy,
            position=strategy.position,
            **{name: getattr(strategy, name) for name in STRATEGY_FIELDS},
        )
        copy.phase_goals.set([goal_map[g.pk] for g in strategy.phase_goals.all()])
    Activity.objects.bulk_create(
        Activity(
            plan=new,
            copied_from=activity,
            position=activity.position,
            **{name: getattr(activity, name) for name in ACTIVITY_FIELDS},
        )
        for activity in plan.activities.all()
    )
    timeline_record(
        obj=new, action="revision_started", actor=actor, data={"from_revision": plan.revision}
    )
    timeline_record(obj=plan, action="revised", actor=actor, data={"to_revision": new.revision})
    return new


@transaction.atomic
def phase_goal_set_status(*, actor: User, goal: PhaseGoal, status: str) -> PhaseGoal:
    """Track progress of an approved plan's phase goal (content stays locked)."""
    plan = goal.plan
    deny_unless(plan_access_for_client(actor, plan.client).can_edit)
    plan = _locked(plan)
    if plan.status != AccountPlan.Status.APPROVED:
        raise DomainError(ERR_PHASE_GOAL_NOT_APPROVED)
    if status not in PhaseGoal.Status.values:
        raise DomainError(ERR_BAD_PROGRESS)
    goal = PhaseGoal.objects.select_for_update().get(pk=goal.pk)
    if goal.status != status:
        old = goal.status
        goal.status = status
        goal.save(update_fields=["status"])
        timeline_record(
            obj=plan,
            action="phase_goal_progress",
            actor=actor,
            comment=f"{goal.title}: {PhaseGoal.Status(old).label} → {goal.get_status_display()}",
            data={"goal": goal.pk, "title": goal.title, "from": old, "to": status},
        )
    return goal


# ---------------------------------------------------------------- diff


@dataclass
class RowDiff:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (row, [(label, old, new)])

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class PlanDiff:
    fields: list = field(default_factory=list)  # (label, old, new)
    phase_goals: RowDiff = field(default_factory=RowDiff)
    strategies: RowDiff = field(default_factory=RowDiff)
    activities: RowDiff = field(default_factory=RowDiff)

    @property
    def empty(self) -> bool:
        return not self.fields and all(
            d.empty for d in (self.phase_goals, self.strategies, self.activities)
        )


def _display(obj, name):
    value = getattr(obj, name)
    getter = getattr(obj, f"get_{name}_display", None)
    if getter is not None:
        return getter()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return "" if value is None else value


def _field_changes(old, new, names) -> list:
    out = []
    for name in names:
        if getattr(old, name) != getattr(new, name):
            label = new._meta.get_field(name).verbose_name
            out.append((label, _display(old, name), _display(new, name)))
    return out


def _rows_diff(old_rows, new_rows, names, extra=None) -> RowDiff:
    diff = RowDiff()
    by_pk = {r.pk: r for r in old_rows}
    matched = set()
    for row in new_rows:
        source = by_pk.get(row.copied_from_id)
        if source is None:
            diff.added.append(row)
            continue
        matched.add(source.pk)
        changes = _field_changes(source, row, names)
        if extra:
            changes += extra(source, row)
        if changes:
            diff.changed.append((row, changes))
    diff.removed = [r for r in old_rows if r.pk not in matched]
    return diff


def plan_diff(old: AccountPlan, new: AccountPlan) -> PlanDiff:
    """What changed from one revision to the next: fields and rows."""
    diff = PlanDiff(fields=_field_changes(old, new, PLAN_FIELDS))
    if old.profit_target != new.profit_target:
        diff.fields.append(
            (_("profit target"), f"{old.profit_target:,.2f}", f"{new.profit_target:,.2f}")
        )

    def goal_links(a, b):
        titles_a = sorted(g.title for g in a.phase_goals.all())
        titles_b = sorted(g.title for g in b.phase_goals.all())
        if titles_a != titles_b:
            return [(_("phase goals"), ", ".join(titles_a), ", ".join(titles_b))]
        return []

    diff.phase_goals = _rows_diff(
        list(old.phase_goals.all()), list(new.phase_goals.all()), PHASE_GOAL_FIELDS
    )
    diff.strategies = _rows_diff(
        list(old.strategies.prefetch_related("phase_goals")),
        list(new.strategies.prefetch_related("phase_goals")),
        STRATEGY_FIELDS,
        extra=goal_links,
    )
    diff.activities = _rows_diff(
        list(old.activities.select_related("owner")),
        list(new.activities.select_related("owner")),
        ACTIVITY_FIELDS,
    )
    return diff
