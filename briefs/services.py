"""Every write to briefs, creative work, escalations and jobs.

Each service re-checks the actor through `brief_access_for` (views do too, but
a service must be safe on its own), guards the state with a DomainError whose
message is a module constant, writes the timeline row in the same transaction
and queues emails on commit through `notify()`.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, Contact, User
from accounts.selectors import team_members, users_with_role
from agency.dates import check_in_range
from agency.errors import DomainError
from agency.events import publish
from agency.files import files_kept_only_on_commit
from agency.notifications import notify
from agency.permissions import deny_unless
from agency.roles import ACCOUNT_SERVICE, CREATIVES, Role
from agency.timeline import timeline_record

from . import approvers
from .approvers import JOB_STATES, WORK_OPEN_STATES, ensure_may_act
from .models import (
    CHECKLIST_FIELDS,
    Brief,
    CreativeFile,
    CreativeWork,
    Escalation,
    HandOff,
    Job,
    JobStage,
    JobStageTemplate,
    Judgment,
)
from .selectors import (
    brief_access_for,
    brief_access_for_client,
    can_decide_escalation,
    escalation_heads,
)
from .uploads import stored_name, validate_upload

S = Brief.Status

BRIEF_FIELDS = (
    "strategy",
    "title",
    *Brief.STRATEGY_FIELDS,
    "deadline",
    "budget",
)
# A change to one of these outside draft returns the brief to draft.
STRATEGY_CHANGE_FIELDS = ("strategy", *Brief.STRATEGY_FIELDS)

ERR_STEP = _("This step is not possible while the brief is “%(status)s”.")
ERR_CLOSED = _("A closed brief cannot be changed.")
ERR_REASON_REQUIRED = _("Give a reason.")
ERR_NO_CREATIVE_DIRECTOR = _(
    "There is no creative director on the team to review the strategy; add one first."
)
ERR_STRATEGY_NOT_APPROVED = _("Choose a strategy from the client's approved plan.")
ERR_CONTACT_NOT_CLIENT = _("Choose a contact of this client.")
ERR_SCORE = _("The score is between 1 and 5.")
ERR_AGREED_IN_FUTURE = _("The client cannot have agreed on a date still to come.")
ERR_VIA = _("Choose how the client agreed: meeting, email or call.")
ERR_DECISION = _("Choose a decision: uphold or overturn.")
ERR_NO_CREATIVES = _("Assign at least one creative on the team.")
ERR_NOT_ON_TEAM = _("%(name)s is not a creative on this client's team.")
ERR_WORK_NOT_OPEN = _("Creative work can be submitted once the brief is briefed.")
ERR_NOT_LATEST = _("Only the latest version that needs revising can get a next version.")
ERR_ALREADY_JUDGED = _("This level has already been judged for this version.")
ERR_NOT_SUBMITTED = _("Only submitted work can be judged.")
ERR_BRIEF_NOT_OPEN = _("The brief is not in progress: its creative work cannot be judged now.")
ERR_STRATEGY_FIRST = _("The account team judges “on strategy?” before “good enough?”.")
ERR_NO_REASON_CODE = _("A “no” needs a reason code and an explanation.")
ERR_NO_FILES = _("Attach at least one image or PDF.")
ERR_NOTHING_TO_ESCALATE = _("Only a “no” on the latest version can be escalated.")
ERR_ESCALATION_SIDE = _("Only the other side of a judgment can escalate it.")
ERR_STATEMENT_REQUIRED = _("Write a statement.")
ERR_ESCALATION_CLOSED = _("This escalation is already decided.")
ERR_NOT_CONTESTABLE = _("Only a department head's decision can be contested, once.")
ERR_CONTEST_SIDE = _("Only the people involved can contest the decision.")
ERR_CONTEST_TOO_LATE = _("The work moved on after the decision; it can no longer be contested.")
ERR_JOB_STATE = _("Jobs are created on briefed briefs.")
ERR_TEMPLATE_EMPTY = _("This deliverable type has no stages yet; add them in the admin.")
ERR_JOB_DELIVERED = _("This job is delivered.")
ERR_STAGE_DONE = _("This stage is done.")
ERR_OWNER_NOT_ON_TEAM = _("The owner must be on the client's team.")


def _step_error(brief: Brief) -> DomainError:
    return DomainError(ERR_STEP, status=brief.get_status_display())


def _guard(brief: Brief, *states) -> None:
    if brief.status not in states:
        raise _step_error(brief)


def _lock(brief: Brief) -> Brief:
    """Re-read the brief under a row lock: two clicks must not both pass a guard
    (the status, and the signatures that decide who may still act)."""
    fresh = Brief.objects.select_for_update().get(pk=brief.pk)
    brief.status = fresh.status
    for name in approvers.SIGNATURE_FIELDS:
        setattr(brief, f"{name}_id", getattr(fresh, f"{name}_id"))
    return brief


def _notify(recipients, event: str, brief: Brief, *, actor=None, comment="", obj=None, url=""):
    """One hand-over email; the template picks the sentence for `event`."""
    recipients = [u for u in recipients if u is not None and u != actor]
    if not recipients:
        return
    notify(
        recipients=recipients,
        template="briefs/step",
        context={
            "event": event,
            "brief": brief,
            "client": brief.client,
            "actor": actor,
            "comment": comment,
            "work": obj if isinstance(obj, CreativeWork) else None,
        },
        obj=obj or brief,
        url=url or (obj or brief).get_absolute_url(),
        kind=f"briefs/{event}",
    )


def _account_team(client: Client):
    return list(team_members(client, ACCOUNT_SERVICE))


def _clear_stamps(brief: Brief) -> list[str]:
    """Everything after draft must be done again: reviews, signatures, agreement."""
    fields = [
        "submitted_by",
        "submitted_at",
        "creative_agreed_by",
        "creative_agreed_at",
        "approved_by",
        "approved_at",
        "signed_by",
        "signed_at",
        "client_agreed_contact",
        "client_agreed_on",
        "client_agreed_note",
        "client_agreed_by",
        "client_agreed_at",
        "planner_score",
        "planner_reviewed_by",
        "planner_reviewed_at",
        "briefed_by",
        "briefed_at",
        *CHECKLIST_FIELDS,
    ]
    for name in fields:
        field = Brief._meta.get_field(name)
        if field.is_relation or field.null:
            setattr(brief, name, None)
        elif isinstance(field.default, bool):
            setattr(brief, name, False)
        else:
            setattr(brief, name, "")
    brief.client_agreed_via = ""
    brief.planner_comment = ""
    return [*fields, "client_agreed_via", "planner_comment"]


def _return_to_draft(brief: Brief, *, actor, reason: str) -> list[str]:
    brief.status = S.DRAFT
    brief.returned_by = actor
    brief.returned_at = timezone.now()
    brief.return_reason = reason
    return ["status", "returned_by", "returned_at", "return_reason", *_clear_stamps(brief)]


def _save(brief: Brief, fields) -> None:
    brief.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


def _validate_strategy(client: Client, strategy) -> None:
    if strategy is None:
        return
    from plans.selectors import approved_strategies_for

    if not approved_strategies_for(client).filter(pk=strategy.pk).exists():
        raise DomainError(ERR_STRATEGY_NOT_APPROVED)


# ---------------------------------------------------------------- briefs


@transaction.atomic
def brief_create(*, actor: User, client: Client, data: dict) -> Brief:
    deny_unless(brief_access_for_client(actor, client).can_edit)
    _validate_strategy(client, data.get("strategy"))
    check_in_range(data.get("deadline"))
    brief = Brief(client=client, author=actor)
    for name in BRIEF_FIELDS:
        if name in data:
            setattr(brief, name, data[name])
    brief.save()
    timeline_record(obj=brief, action="created", actor=actor)
    return brief


@transaction.atomic
def brief_update(*, actor: User, brief: Brief, data: dict) -> Brief:
    """Edit a brief. Outside draft, changing a strategy field returns it to
    draft: the creative review, approval, signature and agreement start again."""
    deny_unless(brief_access_for(actor, brief).can_edit)
    _lock(brief)
    if brief.status == S.CLOSED:
        raise DomainError(ERR_CLOSED)
    if "strategy" in data:
        _validate_strategy(brief.client, data["strategy"])
    check_in_range(data.get("deadline"))
    changed = []
    for name in BRIEF_FIELDS:
        if name in data and getattr(brief, name) != data[name]:
            setattr(brief, name, data[name])
            changed.append(name)
    if not changed:
        return brief
    strategy_changed = [n for n in changed if n in STRATEGY_CHANGE_FIELDS]
    previous = brief.status
    if brief.status != S.DRAFT and strategy_changed:
        was_signed = brief.signed_at is not None
        # Whoever signed off the strategy learns that their sign-off is void.
        signatories = approvers.signatories(brief)
        changed += _return_to_draft(
            brief,
            actor=actor,
            reason=str(_("The strategy changed: %(fields)s."))
            % {
                "fields": ", ".join(
                    str(Brief._meta.get_field(n).verbose_name) for n in strategy_changed
                )
            },
        )
        _save(brief, changed)
        timeline_record(
            obj=brief,
            action="returned_to_draft",
            actor=actor,
            comment=brief.return_reason,
            data={"from": previous, "fields": strategy_changed, "was_signed": was_signed},
        )
        team = _account_team(brief.client) + signatories
        _notify(team, "returned", brief, actor=actor, comment=brief.return_reason)
        return brief
    _save(brief, changed)
    timeline_record(obj=brief, action="edited", actor=actor, data={"fields": changed})
    return brief


@transaction.atomic
def brief_submit(*, actor: User, brief: Brief) -> Brief:
    deny_unless(brief_access_for(actor, brief).can_edit)
    _lock(brief)
    _guard(brief, S.DRAFT)
    brief.status = S.CREATIVE_REVIEW
    cds = approvers.approvers(brief)
    if not cds:
        brief.status = S.DRAFT
        raise DomainError(ERR_NO_CREATIVE_DIRECTOR)
    brief.submitted_by, brief.submitted_at = actor, timezone.now()
    _save(brief, ["status", "submitted_by", "submitted_at"])
    timeline_record(obj=brief, action="submitted", actor=actor)
    _notify(cds, "creative_review", brief, actor=actor)
    return brief


@transaction.atomic
def brief_creative_review(*, actor: User, brief: Brief, agree: bool, comment: str = "") -> Brief:
    """The creative director agrees with the strategy, or objects with reasons."""
    _lock(brief)
    ensure_may_act(actor, brief, S.CREATIVE_REVIEW)
    _guard(brief, S.CREATIVE_REVIEW)
    comment = (comment or "").strip()
    if agree:
        brief.status = S.STRATEGY_REVIEW
        brief.creative_agreed_by, brief.creative_agreed_at = actor, timezone.now()
        _save(brief, ["status", "creative_agreed_by", "creative_agreed_at"])
        timeline_record(obj=brief, action="creative_agreed", actor=actor, comment=comment)
        _notify(approvers.approvers(brief), "approve", brief, actor=actor, comment=comment)
        return brief
    if not comment:
        raise DomainError(ERR_REASON_REQUIRED)
    _save(brief, _return_to_draft(brief, actor=actor, reason=comment))
    timeline_record(obj=brief, action="creative_objected", actor=actor, comment=comment)
    _notify(_account_team(brief.client), "objected", brief, actor=actor, comment=comment)
    return brief


@transaction.atomic
def brief_approve(*, actor: User, brief: Brief, comment: str = "") -> Brief:
    _lock(brief)
    ensure_may_act(actor, brief, S.STRATEGY_REVIEW)
    _guard(brief, S.STRATEGY_REVIEW)
    brief.status = S.APPROVED
    brief.approved_by, brief.approved_at = actor, timezone.now()
    _save(brief, ["status", "approved_by", "approved_at"])
    timeline_record(obj=brief, action="approved", actor=actor, comment=comment)
    _notify(approvers.approvers(brief), "sign", brief, actor=actor, comment=comment)
    return brief


@transaction.atomic
def brief_sign(*, actor: User, brief: Brief, comment: str = "") -> Brief:
    """The BD (or the MD) signs; never the person who approved the strategy."""
    _lock(brief)
    ensure_may_act(actor, brief, S.APPROVED)
    _guard(brief, S.APPROVED)
    brief.status = S.SIGNED
    brief.signed_by, brief.signed_at = actor, timezone.now()
    _save(brief, ["status", "signed_by", "signed_at"])
    timeline_record(obj=brief, action="signed", actor=actor, comment=comment)
    publish("brief.signed", brief)
    _notify(_account_team(brief.client), "signed", brief, actor=actor, comment=comment)
    return brief


@transaction.atomic
def brief_record_agreement(
    *, actor: User, brief: Brief, contact: Contact, agreed_on, via: str, note: str = ""
) -> Brief:
    deny_unless(brief_access_for(actor, brief).can_edit)
    _lock(brief)
    _guard(brief, S.SIGNED)
    if contact is None or contact.client_id != brief.client_id:
        raise DomainError(ERR_CONTACT_NOT_CLIENT)
    if via not in Brief.AgreedVia.values:
        raise DomainError(ERR_VIA)
    if agreed_on is None or agreed_on > timezone.localdate():
        raise DomainError(ERR_AGREED_IN_FUTURE)
    check_in_range(agreed_on)
    brief.status = S.CLIENT_AGREED
    brief.client_agreed_contact = contact
    brief.client_agreed_on = agreed_on
    brief.client_agreed_via = via
    brief.client_agreed_note = note
    brief.client_agreed_by, brief.client_agreed_at = actor, timezone.now()
    _save(
        brief,
        [
            "status",
            "client_agreed_contact",
            "client_agreed_on",
            "client_agreed_via",
            "client_agreed_note",
            "client_agreed_by",
            "client_agreed_at",
        ],
    )
    timeline_record(
        obj=brief,
        action="client_agreed",
        actor=actor,
        comment=note,
        data={"contact": contact.name, "on": agreed_on.isoformat(), "via": via},
    )
    publish("brief.client_agreed", brief)
    _notify(approvers.approvers(brief), "planner_review", brief, actor=actor)
    return brief


@transaction.atomic
def brief_planner_review(
    *, actor: User, brief: Brief, checklist: dict, score: int, comment: str = ""
) -> Brief:
    _lock(brief)
    ensure_may_act(actor, brief, S.CLIENT_AGREED)
    _guard(brief, S.CLIENT_AGREED)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError(ERR_SCORE)
    for name in CHECKLIST_FIELDS:
        setattr(brief, name, bool(checklist.get(name)))
    brief.status = S.PLANNER_REVIEWED
    brief.planner_score = score
    brief.planner_comment = comment
    brief.planner_reviewed_by, brief.planner_reviewed_at = actor, timezone.now()
    _save(
        brief,
        [
            "status",
            "planner_score",
            "planner_comment",
            "planner_reviewed_by",
            "planner_reviewed_at",
            *CHECKLIST_FIELDS,
        ],
    )
    timeline_record(
        obj=brief,
        action="planner_reviewed",
        actor=actor,
        comment=comment,
        data={"score": score, **{n: bool(checklist.get(n)) for n in CHECKLIST_FIELDS}},
    )
    _notify(_account_team(brief.client), "planner_reviewed", brief, actor=actor, comment=comment)
    return brief


@transaction.atomic
def brief_send_back(*, actor: User, brief: Brief, reason: str) -> Brief:
    """The planner returns a brief that is not good enough to draft, with a reason."""
    _lock(brief)
    ensure_may_act(actor, brief, S.CLIENT_AGREED)
    _guard(brief, S.CLIENT_AGREED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERR_REASON_REQUIRED)
    _save(brief, _return_to_draft(brief, actor=actor, reason=reason))
    timeline_record(obj=brief, action="sent_back", actor=actor, comment=reason)
    _notify(_account_team(brief.client), "sent_back", brief, actor=actor, comment=reason)
    return brief


@transaction.atomic
def brief_brief_creatives(*, actor: User, brief: Brief, creatives, comment: str = "") -> Brief:
    """Brief the creative team: assigned creatives see the brief from now on."""
    deny_unless(brief_access_for(actor, brief).can_edit)
    _lock(brief)
    _guard(brief, S.PLANNER_REVIEWED)
    creatives = list(creatives or [])
    if not creatives:
        raise DomainError(ERR_NO_CREATIVES)
    on_team = set(team_members(brief.client, CREATIVES).values_list("pk", flat=True))
    for user in creatives:
        if user.pk not in on_team:
            raise DomainError(ERR_NOT_ON_TEAM, name=user)
    brief.status = S.BRIEFED
    brief.briefed_by, brief.briefed_at = actor, timezone.now()
    _save(brief, ["status", "briefed_by", "briefed_at"])
    brief.creatives.set(creatives)
    timeline_record(
        obj=brief,
        action="briefed",
        actor=actor,
        comment=comment,
        data={"creatives": [u.pk for u in creatives]},
    )
    _notify(creatives, "briefed", brief, actor=actor, comment=comment)
    return brief


@transaction.atomic
def brief_close(*, actor: User, brief: Brief, comment: str = "") -> Brief:
    deny_unless(brief_access_for(actor, brief).can_edit)
    _lock(brief)
    _guard(brief, S.IN_PROGRESS)
    brief.status = S.CLOSED
    brief.closed_by, brief.closed_at = actor, timezone.now()
    _save(brief, ["status", "closed_by", "closed_at"])
    timeline_record(obj=brief, action="closed", actor=actor, comment=comment)
    return brief


# ---------------------------------------------------------------- creative work


def _check_files(files) -> list[str]:
    """Check every file before writing any: a refused upload writes nothing."""
    kinds = []
    for f in files:
        try:
            kinds.append(validate_upload(f))
        except ValidationError as e:
            raise DomainError(" ".join(e.messages)) from None
    return kinds


def _store_files(work: CreativeWork, files, kinds, keep) -> None:
    for f, kind in zip(files, kinds, strict=True):
        token = secrets.token_hex(16)
        row = CreativeFile(
            work=work,
            token=token,
            # The name offered on download ends in the DETECTED type's extension.
            original_name=stored_name(getattr(f, "name", ""), kind),
            kind=kind,
            size=f.size,
        )
        row.file.save(token, f, save=False)
        keep(row.file)  # deleted again if the transaction rolls back
        row.save()


def work_submit(
    *,
    actor: User,
    brief: Brief,
    title: str,
    description: str = "",
    files=(),
    previous: CreativeWork | None = None,
) -> CreativeWork:
    """Submit creative work (version 1) or the next version of work to revise.

    The files are stored inside the transaction and kept only if it commits
    (agency.files.files_kept_only_on_commit): a refusal or error after the
    save leaves no file in storage."""
    with files_kept_only_on_commit() as keep, transaction.atomic():
        return _work_submit(
            actor=actor,
            brief=brief,
            title=title,
            description=description,
            files=files,
            previous=previous,
            keep=keep,
        )


def _work_submit(*, actor, brief, title, description, files, previous, keep) -> CreativeWork:
    deny_unless(brief_access_for(actor, brief).can_submit_work)
    _lock(brief)
    if brief.status not in WORK_OPEN_STATES:
        raise DomainError(ERR_WORK_NOT_OPEN)
    files = list(files or [])
    if not files:
        raise DomainError(ERR_NO_FILES)
    kinds = _check_files(files)
    version = 1
    if previous is not None:
        previous = CreativeWork.objects.select_for_update().get(pk=previous.pk)
        if previous.brief_id != brief.pk or previous.status != CreativeWork.Status.REVISE:
            raise DomainError(ERR_NOT_LATEST)
        version = previous.version + 1
    work = CreativeWork.objects.create(
        brief=brief,
        title=title,
        description=description,
        version=version,
        previous=previous,
        submitted_by=actor,
    )
    _store_files(work, files, kinds, keep)
    if previous is not None:
        previous.status = CreativeWork.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    if brief.status == S.BRIEFED:
        brief.status = S.IN_PROGRESS
        brief.started_at = timezone.now()
        _save(brief, ["status", "started_at"])
        timeline_record(obj=brief, action="in_progress", actor=actor)
    timeline_record(
        obj=brief,
        action="work_submitted",
        actor=actor,
        comment=work.title,
        data={"work": work.pk, "version": version},
    )
    timeline_record(obj=work, action="submitted", actor=actor, data={"version": version})
    _notify(_account_team(brief.client), "work_submitted", brief, actor=actor, obj=work)
    return work


def _effective(judgment: Judgment | None) -> str | None:
    if judgment is None:
        return None
    if judgment.verdict == Judgment.Verdict.NO and judgment.overturned_by_id:
        return Judgment.Verdict.YES
    return judgment.verdict


def _work_status(work: CreativeWork) -> str:
    by_level = {j.level: j for j in Judgment.objects.filter(work=work)}
    verdicts = [_effective(by_level.get(level)) for level in Judgment.Level.values]
    if Judgment.Verdict.NO in verdicts:
        return CreativeWork.Status.REVISE
    if all(v == Judgment.Verdict.YES for v in verdicts):
        return CreativeWork.Status.READY
    return CreativeWork.Status.SUBMITTED


@transaction.atomic
def work_judge(
    *,
    actor: User,
    work: CreativeWork,
    level: str,
    verdict: str,
    reason: str = "",
    comment: str = "",
) -> Judgment:
    """One level of the two-level judgment. A "no" always carries a reason."""
    access = brief_access_for(actor, work.brief)
    if level == Judgment.Level.STRATEGY:
        deny_unless(access.can_judge_strategy)
    elif level == Judgment.Level.QUALITY:
        deny_unless(access.can_judge_quality)
    else:
        deny_unless(False)
    work = CreativeWork.objects.select_for_update().select_related("brief").get(pk=work.pk)
    if work.brief.status not in WORK_OPEN_STATES:
        raise DomainError(ERR_BRIEF_NOT_OPEN)
    if work.status != CreativeWork.Status.SUBMITTED:
        raise DomainError(ERR_NOT_SUBMITTED)
    existing = {j.level: j for j in work.judgments.all()}
    if level in existing:
        raise DomainError(ERR_ALREADY_JUDGED)
    if (
        level == Judgment.Level.QUALITY
        and _effective(existing.get(Judgment.Level.STRATEGY)) != Judgment.Verdict.YES
    ):
        raise DomainError(ERR_STRATEGY_FIRST)
    comment = (comment or "").strip()
    if verdict == Judgment.Verdict.NO:
        if reason not in Judgment.Reason.values or not comment:
            raise DomainError(ERR_NO_REASON_CODE)
    elif verdict == Judgment.Verdict.YES:
        reason = ""
    else:
        raise DomainError(ERR_NO_REASON_CODE)
    judgment = Judgment.objects.create(
        work=work, level=level, verdict=verdict, reason=reason, comment=comment, judged_by=actor
    )
    work.status = _work_status(work)
    work.save(update_fields=["status"])
    timeline_record(
        obj=work,
        action=f"judged_{level}_{verdict}",
        actor=actor,
        comment=comment,
        data={"reason": reason},
    )
    brief = work.brief
    if work.status == CreativeWork.Status.SUBMITTED:
        # On strategy: now the creative director judges "good enough?".
        _notify(
            team_members(brief.client, [Role.CREATIVE_DIRECTOR]),
            "judge_quality",
            brief,
            actor=actor,
            obj=work,
        )
    else:
        event = "work_ready" if work.status == CreativeWork.Status.READY else "work_revise"
        _notify(
            [work.submitted_by, *_account_team(brief.client)],
            event,
            brief,
            actor=actor,
            comment=comment,
            obj=work,
        )
    return judgment


# ---------------------------------------------------------------- escalations


def _disputed_no(work: CreativeWork) -> Judgment | None:
    for j in work.judgments.all():
        if j.verdict == Judgment.Verdict.NO and not j.overturned_by_id:
            return j
    return None


def _escalation_deciders(esc: Escalation) -> list:
    """Who is asked to decide: the independent department heads, else the MD."""
    heads = list(escalation_heads(esc))
    return heads or list(users_with_role(Role.MD))


@transaction.atomic
def escalation_raise(*, actor: User, work: CreativeWork, statement: str) -> Escalation:
    """The other side of a "no" disputes it: the CD a "not on strategy", an
    account person a "not good enough". The department head decides."""
    access = brief_access_for(actor, work.brief)
    deny_unless(access.can_judge_strategy or access.can_judge_quality)
    work = CreativeWork.objects.select_for_update().select_related("brief").get(pk=work.pk)
    judgment = _disputed_no(work)
    if work.status != CreativeWork.Status.REVISE or judgment is None:
        raise DomainError(ERR_NOTHING_TO_ESCALATE)
    other_side = (
        access.can_judge_quality
        if judgment.level == Judgment.Level.STRATEGY
        else access.can_judge_strategy
    )
    deny_unless(other_side, ERR_ESCALATION_SIDE)
    statement = (statement or "").strip()
    if not statement:
        raise DomainError(ERR_STATEMENT_REQUIRED)
    esc = Escalation.objects.create(
        work=work, judgment=judgment, raised_by=actor, statement=statement
    )
    work.status = CreativeWork.Status.ESCALATED
    work.save(update_fields=["status"])
    timeline_record(obj=esc, action="raised", actor=actor, comment=statement)
    timeline_record(
        obj=work, action="escalated", actor=actor, comment=statement, data={"escalation": esc.pk}
    )
    _notify(
        _escalation_deciders(esc),
        "escalation_raised",
        work.brief,
        actor=actor,
        comment=statement,
        obj=esc,
    )
    return esc


def _apply(esc: Escalation, decision: str) -> None:
    judgment = esc.judgment
    judgment.overturned_by = esc if decision == Escalation.Decision.OVERTURN else None
    judgment.save(update_fields=["overturned_by"])
    work = esc.work
    work.status = _work_status(work)
    work.save(update_fields=["status"])


@transaction.atomic
def escalation_decide(*, actor: User, escalation: Escalation, decision: str, comment: str):
    """Department head first; if contested, the MD. The MD's decision is final."""
    esc = (
        Escalation.objects.select_for_update()
        .select_related("work", "work__brief", "judgment")
        .get(pk=escalation.pk)
    )
    if esc.status not in (Escalation.Status.OPEN, Escalation.Status.CONTESTED):
        raise DomainError(ERR_ESCALATION_CLOSED)
    deny_unless(can_decide_escalation(actor, esc))
    if decision not in Escalation.Decision.values:
        raise DomainError(ERR_DECISION)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(ERR_REASON_REQUIRED)
    now = timezone.now()
    # The MD decides an open escalation only when no independent department
    # head exists (see can_decide_escalation): then it is final at once.
    md_first = esc.status == Escalation.Status.OPEN and actor.role == Role.MD
    if esc.status == Escalation.Status.OPEN and not md_first:
        esc.status = Escalation.Status.DECIDED
        esc.head_decision, esc.head_by, esc.head_at, esc.head_comment = (
            decision,
            actor,
            now,
            comment,
        )
        fields = ["status", "head_decision", "head_by", "head_at", "head_comment"]
        action = "head_decided"
    else:
        esc.status = Escalation.Status.FINAL
        esc.md_decision, esc.md_by, esc.md_at, esc.md_comment = decision, actor, now, comment
        fields = ["status", "md_decision", "md_by", "md_at", "md_comment"]
        action = "md_decided"
    esc.save(update_fields=fields)
    _apply(esc, decision)
    timeline_record(
        obj=esc, action=action, actor=actor, comment=comment, data={"decision": decision}
    )
    timeline_record(
        obj=esc.work, action=action, actor=actor, comment=comment, data={"decision": decision}
    )
    _notify(
        [esc.raised_by, esc.judgment.judged_by, esc.work.submitted_by],
        "escalation_decided",
        esc.work.brief,
        actor=actor,
        comment=comment,
        obj=esc,
    )
    return esc


@transaction.atomic
def escalation_contest(*, actor: User, escalation: Escalation, statement: str) -> Escalation:
    """Still contested after the department head: it goes to the MD."""
    esc = (
        Escalation.objects.select_for_update()
        .select_related("work", "work__brief", "judgment")
        .get(pk=escalation.pk)
    )
    deny_unless(actor.pk in (esc.raised_by_id, esc.judgment.judged_by_id), ERR_CONTEST_SIDE)
    if esc.status != Escalation.Status.DECIDED:
        raise DomainError(ERR_NOT_CONTESTABLE)
    work = CreativeWork.objects.select_for_update().get(pk=esc.work_id)
    moved_on = (
        work.status == CreativeWork.Status.SUPERSEDED
        or work.judgments.filter(judged_at__gt=esc.head_at).exists()
    )
    if moved_on:
        raise DomainError(ERR_CONTEST_TOO_LATE)
    statement = (statement or "").strip()
    if not statement:
        raise DomainError(ERR_STATEMENT_REQUIRED)
    esc.status = Escalation.Status.CONTESTED
    esc.contested_by, esc.contested_at, esc.contest_statement = actor, timezone.now(), statement
    esc.save(update_fields=["status", "contested_by", "contested_at", "contest_statement"])
    work.status = CreativeWork.Status.ESCALATED
    work.save(update_fields=["status"])
    timeline_record(obj=esc, action="contested", actor=actor, comment=statement)
    _notify(
        users_with_role(Role.MD),
        "escalation_contested",
        work.brief,
        actor=actor,
        comment=statement,
        obj=esc,
    )
    return esc


# ---------------------------------------------------------------- jobs


def _check_owner(brief: Brief, owner) -> None:
    if owner is not None and not team_members(brief.client).filter(pk=owner.pk).exists():
        raise DomainError(ERR_OWNER_NOT_ON_TEAM)


@transaction.atomic
def job_create(
    *, actor: User, brief: Brief, template: JobStageTemplate, title: str, owner=None
) -> Job:
    """A job with the template's stages; the first stage starts now."""
    deny_unless(brief_access_for(actor, brief).can_move_jobs)
    _lock(brief)
    if brief.status not in JOB_STATES:
        raise DomainError(ERR_JOB_STATE)
    _check_owner(brief, owner)
    if not template.steps.exists():
        raise DomainError(ERR_TEMPLATE_EMPTY)
    job = Job.objects.create(brief=brief, template=template, title=title, created_by=actor)
    steps = list(template.steps.all())
    stages = JobStage.objects.bulk_create(
        JobStage(job=job, position=s.position, name=s.name, name_zh=s.name_zh) for s in steps
    )
    stages = list(job.stages.order_by("position"))
    if stages:
        first = stages[0]
        first.status = JobStage.Status.CURRENT
        first.started_at = timezone.now()
        first.owner = owner
        first.save(update_fields=["status", "started_at", "owner"])
        job.current_stage = first
        job.save(update_fields=["current_stage"])
    timeline_record(obj=job, action="created", actor=actor, data={"template": template.code})
    timeline_record(obj=brief, action="job_created", actor=actor, comment=title)
    if owner is not None:
        _notify([owner], "stage_owner", brief, actor=actor, obj=job)
    return job


@transaction.atomic
def job_stage_update(*, actor: User, stage: JobStage, owner=None, due_date=None) -> JobStage:
    """Set the owner and due date of a stage not yet done."""
    job = stage.job
    deny_unless(brief_access_for(actor, job.brief).can_move_jobs)
    check_in_range(due_date)
    stage = JobStage.objects.select_for_update().get(pk=stage.pk)
    if job.status == Job.Status.DELIVERED:
        raise DomainError(ERR_JOB_DELIVERED)
    if stage.status == JobStage.Status.DONE:
        raise DomainError(ERR_STAGE_DONE)
    _check_owner(job.brief, owner)
    new_owner = owner is not None and owner.pk != stage.owner_id
    stage.owner, stage.due_date = owner, due_date
    stage.save(update_fields=["owner", "due_date"])
    timeline_record(
        obj=job,
        action="stage_planned",
        actor=actor,
        comment=" / ".join(n for n in (stage.name, stage.name_zh) if n),
        data={
            "stage": stage.pk,
            "owner": owner.pk if owner else None,
            "due": due_date.isoformat() if due_date else None,
        },
    )
    if new_owner:
        _notify([owner], "stage_owner", job.brief, actor=actor, obj=job)
    return stage


@transaction.atomic
def job_hand_off(*, actor: User, job: Job, to_user=None, note: str = "") -> HandOff:
    """Close the current stage and hand the job to the next one (and its owner)."""
    deny_unless(brief_access_for(actor, job.brief).can_move_jobs)
    job = Job.objects.select_for_update().select_related("brief", "brief__client").get(pk=job.pk)
    if job.status == Job.Status.DELIVERED or job.current_stage_id is None:
        raise DomainError(ERR_JOB_DELIVERED)
    _check_owner(job.brief, to_user)
    current = JobStage.objects.get(pk=job.current_stage_id)
    following = job.stages.filter(position__gt=current.position).order_by("position").first()
    now = timezone.now()
    current.status, current.done_at = JobStage.Status.DONE, now
    current.save(update_fields=["status", "done_at"])
    if following is not None:
        following.status, following.started_at = JobStage.Status.CURRENT, now
        if to_user is not None:
            following.owner = to_user
        following.save(update_fields=["status", "started_at", "owner"])
        job.current_stage = following
        job.save(update_fields=["current_stage"])
    else:
        job.status, job.current_stage, job.delivered_at = Job.Status.DELIVERED, None, now
        job.save(update_fields=["status", "current_stage", "delivered_at"])
    handoff = HandOff.objects.create(
        job=job,
        from_stage=current,
        to_stage=following,
        from_user=current.owner,
        to_user=following.owner if following else to_user,
        handed_by=actor,
        at=now,
        note=note,
    )
    timeline_record(
        obj=job,
        action="handed_off" if following else "delivered",
        actor=actor,
        comment=note,
        data={"from": current.pk, "to": following.pk if following else None},
    )
    if handoff.to_user is not None:
        _notify([handoff.to_user], "handed_off", job.brief, actor=actor, comment=note, obj=job)
    return handoff
