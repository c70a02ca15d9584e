import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from agency.errors import DomainError
from agency.models import TimelineEvent
from agency.roles import Role
from agency.timeline import timeline_for
from briefs import services
from briefs.models import (
    Brief,
    CreativeWork,
    Escalation,
    HandOff,
    Job,
    JobStage,
    JobStageTemplate,
    Judgment,
)
from tests.factories import UserFactory

from .conftest import FULL_CHECKLIST, NO, QUALITY, STRATEGY, YES, S, judge
from .factories import exe_as_png, png_upload

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- brief workflow


def test_full_workflow_stamps_each_step_with_who_and_when(cast, make_brief):
    brief = make_brief(S.PLANNER_REVIEWED)
    assert brief.submitted_by == cast.am
    assert brief.creative_agreed_by == cast.cd and brief.creative_agreed_at
    assert brief.approved_by == cast.ad and brief.approved_at
    assert brief.signed_by == cast.bd and brief.signed_at
    assert brief.client_agreed_contact == cast.contact
    assert brief.client_agreed_via == Brief.AgreedVia.MEETING
    assert brief.client_agreed_on == dt.date(2026, 11, 20)
    assert brief.planner_reviewed_by == cast.planner and brief.planner_score == 4
    assert all(ok for _label, ok in brief.checklist)
    actions = [e.action for e in timeline_for(brief)]
    assert actions == [
        "submitted",
        "creative_agreed",
        "approved",
        "signed",
        "client_agreed",
        "planner_reviewed",
    ]


STEP_CASES = [
    # (status the brief is in, service call, who may, some who may not)
    (
        S.DRAFT,
        lambda b, u: services.brief_submit(actor=u, brief=b),
        "am",
        ["cd", "bd", "planner", "traffic", "md"],
    ),
    (
        S.CREATIVE_REVIEW,
        lambda b, u: services.brief_creative_review(actor=u, brief=b, agree=True),
        "cd",
        ["am", "ad", "bd", "md", "planner"],
    ),
    (
        S.STRATEGY_REVIEW,
        lambda b, u: services.brief_approve(actor=u, brief=b),
        "ad",
        ["am", "ae", "cd", "bd", "planner", "md"],
    ),
    (
        S.APPROVED,
        lambda b, u: services.brief_sign(actor=u, brief=b),
        "bd",
        ["am", "ad", "cd", "planner"],
    ),
    (
        S.SIGNED,
        lambda b, u: services.brief_record_agreement(
            actor=u,
            brief=b,
            contact=b.client.contacts.first(),
            agreed_on=dt.date(2026, 11, 1),
            via="call",
        ),
        "ae",
        ["cd", "bd", "planner", "md", "traffic"],
    ),
    (
        S.CLIENT_AGREED,
        lambda b, u: services.brief_planner_review(
            actor=u, brief=b, checklist=FULL_CHECKLIST, score=3
        ),
        "planner",
        ["am", "ad", "cd", "bd", "md"],
    ),
    (
        S.PLANNER_REVIEWED,
        lambda b, u: services.brief_brief_creatives(
            actor=u, brief=b, creatives=[b.client.memberships.get(team_role="creative").user]
        ),
        "am",
        ["planner", "cd", "bd", "md", "traffic"],
    ),
    (
        S.IN_PROGRESS,
        lambda b, u: services.brief_close(actor=u, brief=b),
        "ad",
        ["cd", "copywriter", "planner", "bd", "md"],
    ),
]


@pytest.mark.parametrize(("status", "call", "who", "others"), STEP_CASES)
def test_each_transition_is_for_the_right_role_only(cast, make_brief, status, call, who, others):
    brief = make_brief(status)
    for key in others:
        with pytest.raises(PermissionDenied):
            call(brief, getattr(cast, key))
        brief.refresh_from_db()
        assert brief.status == status, key
    call(brief, getattr(cast, who))
    brief.refresh_from_db()
    assert brief.status == S.values[S.values.index(status) + 1] or (
        status == S.IN_PROGRESS and brief.status == S.CLOSED
    )


def test_md_signs_in_the_bds_stead(cast, make_brief):
    brief = make_brief(S.APPROVED)
    services.brief_sign(actor=cast.md, brief=brief)
    assert brief.status == S.SIGNED and brief.signed_by == cast.md


def test_md_approves_only_when_no_ad_on_the_team(cast, make_brief):
    brief = make_brief(S.STRATEGY_REVIEW)
    with pytest.raises(PermissionDenied):
        services.brief_approve(actor=cast.md, brief=brief)
    cast.client.memberships.filter(team_role="ad").delete()
    services.brief_approve(actor=cast.md, brief=brief)
    assert brief.status == S.APPROVED


@pytest.mark.parametrize(
    ("status", "call", "who"),
    [
        (S.DRAFT, lambda b, u: services.brief_approve(actor=u, brief=b), "ad"),
        (S.DRAFT, lambda b, u: services.brief_sign(actor=u, brief=b), "bd"),
        (S.CREATIVE_REVIEW, lambda b, u: services.brief_sign(actor=u, brief=b), "bd"),
        (S.STRATEGY_REVIEW, lambda b, u: services.brief_sign(actor=u, brief=b), "bd"),
        (
            S.APPROVED,
            lambda b, u: services.brief_planner_review(actor=u, brief=b, checklist={}, score=3),
            "planner",
        ),
        (
            S.SIGNED,
            lambda b, u: services.brief_brief_creatives(actor=u, brief=b, creatives=[]),
            "am",
        ),
        (S.BRIEFED, lambda b, u: services.brief_close(actor=u, brief=b), "am"),
    ],
)
def test_skipping_a_step_is_refused_and_changes_nothing(cast, make_brief, status, call, who):
    brief = make_brief(status)
    with pytest.raises(DomainError):
        call(brief, getattr(cast, who))
    brief.refresh_from_db()
    assert brief.status == status


def test_creative_director_objection_needs_a_reason_and_returns_to_draft(cast, make_brief):
    brief = make_brief(S.CREATIVE_REVIEW)
    with pytest.raises(DomainError):
        services.brief_creative_review(actor=cast.cd, brief=brief, agree=False, comment=" ")
    brief.refresh_from_db()
    assert brief.status == S.CREATIVE_REVIEW
    services.brief_creative_review(
        actor=cast.cd, brief=brief, agree=False, comment="The audience is too broad."
    )
    brief.refresh_from_db()
    assert brief.status == S.DRAFT
    assert brief.return_reason == "The audience is too broad." and brief.returned_by == cast.cd
    assert brief.submitted_at is None


def test_planner_sends_back_with_a_reason(cast, make_brief):
    brief = make_brief(S.CLIENT_AGREED)
    with pytest.raises(DomainError):
        services.brief_send_back(actor=cast.planner, brief=brief, reason="")
    services.brief_send_back(actor=cast.planner, brief=brief, reason="Two propositions.")
    brief.refresh_from_db()
    assert brief.status == S.DRAFT and brief.signed_at is None and brief.client_agreed_at is None


def test_planner_score_outside_1_to_5_is_refused(cast, make_brief):
    brief = make_brief(S.CLIENT_AGREED)
    with pytest.raises(DomainError):
        services.brief_planner_review(actor=cast.planner, brief=brief, checklist={}, score=6)


def test_editing_the_proposition_after_the_bd_signed_returns_the_brief_to_draft(cast, make_brief):
    brief = make_brief(S.PLANNER_REVIEWED)
    services.brief_update(actor=cast.am, brief=brief, data={"proposition": "Home before dinner."})
    brief.refresh_from_db()
    assert brief.status == S.DRAFT
    assert brief.proposition == "Home before dinner."
    assert brief.signed_by is None and brief.signed_at is None
    assert brief.approved_at is None and brief.creative_agreed_at is None
    assert brief.client_agreed_at is None and brief.planner_score is None
    assert "single-minded proposition" in brief.return_reason
    event = TimelineEvent.objects.filter(object_id=brief.pk, action="returned_to_draft").get()
    assert event.data["was_signed"] is True
    # and it needs the signatures again
    with pytest.raises(DomainError):
        services.brief_sign(actor=cast.bd, brief=brief)


def test_editing_the_title_after_signing_keeps_the_signature(cast, make_brief):
    brief = make_brief(S.SIGNED)
    services.brief_update(actor=cast.am, brief=brief, data={"title": "Spring launch, phase 2"})
    brief.refresh_from_db()
    assert brief.status == S.SIGNED and brief.signed_by == cast.bd


def test_brief_creatives_must_be_creatives_on_the_team(cast, make_brief):
    brief = make_brief(S.PLANNER_REVIEWED)
    with pytest.raises(DomainError):
        services.brief_brief_creatives(actor=cast.am, brief=brief, creatives=[cast.planner])
    brief.refresh_from_db()
    assert brief.status == S.PLANNER_REVIEWED


def test_submit_without_a_creative_director_on_the_team_is_refused(cast, make_brief):
    brief = make_brief()
    cast.client.memberships.filter(team_role="cd").delete()
    with pytest.raises(DomainError, match="creative director"):
        services.brief_submit(actor=cast.am, brief=brief)


def test_each_hand_over_emails_the_next_person_on_commit(
    cast, make_brief, mailoutbox, django_capture_on_commit_callbacks
):
    brief = make_brief()
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_submit(actor=cast.am, brief=brief)
    assert [m.to for m in mailoutbox] == [[cast.cd.email]]
    mail = mailoutbox[0]
    assert mail.subject == f"[Huayuan] A strategy is waiting for your review: {brief.title}"
    assert "A strategy is waiting for your review." in mail.body
    html = mail.alternatives[0][0]
    assert "A strategy is waiting for your review" in html and brief.title in html
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_creative_review(actor=cast.cd, brief=brief, agree=True)
    assert [m.to for m in mailoutbox] == [[cast.ad.email]]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_approve(actor=cast.ad, brief=brief)
    assert [m.to for m in mailoutbox] == [[cast.bd.email]]


def test_hand_over_email_is_in_the_recipients_language(
    cast, make_brief, mailoutbox, django_capture_on_commit_callbacks
):
    cast.cd.language = "zh-hans"
    cast.cd.save()
    brief = make_brief()
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_submit(actor=cast.am, brief=brief)
    assert "策略" in mailoutbox[0].subject


# ---------------------------------------------------------------- creative work


def test_first_work_moves_the_brief_in_progress(cast, make_brief):
    brief = make_brief(S.BRIEFED)
    work = services.work_submit(
        actor=cast.copywriter, brief=brief, title="Poster", files=[png_upload()]
    )
    brief.refresh_from_db()
    assert brief.status == S.IN_PROGRESS and brief.started_at
    assert work.version == 1 and work.files.get().kind == "png"


def test_work_cannot_be_submitted_before_the_brief_is_briefed(cast, make_brief):
    brief = make_brief(S.PLANNER_REVIEWED)
    with pytest.raises(DomainError):
        services.work_submit(actor=cast.cd, brief=brief, title="Early", files=[png_upload()])
    assert not CreativeWork.objects.exists()


def test_account_people_cannot_submit_work(cast, make_brief):
    brief = make_brief(S.BRIEFED)
    with pytest.raises(PermissionDenied):
        services.work_submit(actor=cast.am, brief=brief, title="Mine", files=[png_upload()])


def test_executable_content_with_an_image_name_is_refused_by_the_service(cast, make_brief):
    brief = make_brief(S.BRIEFED)
    with pytest.raises(DomainError, match="not an image"):
        services.work_submit(
            actor=cast.copywriter, brief=brief, title="Poster", files=[exe_as_png()]
        )
    assert not CreativeWork.objects.exists()


def test_both_yes_makes_work_ready_to_present(cast, work):
    judge(work, cast.am, STRATEGY, YES)
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.SUBMITTED
    judge(work, cast.cd, QUALITY, YES)
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.READY


def test_a_no_without_a_reason_is_refused(cast, work):
    with pytest.raises(DomainError):
        judge(work, cast.am, STRATEGY, NO, reason="", comment="Not it.")
    with pytest.raises(DomainError):
        judge(work, cast.am, STRATEGY, NO, reason="off_strategy", comment="")
    assert not Judgment.objects.exists()


def test_a_no_means_revise_and_the_next_version_supersedes_it(cast, work):
    judge(work, cast.am, STRATEGY, NO, reason="wrong_audience", comment="Families, not students.")
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.REVISE
    v2 = services.work_submit(
        actor=cast.copywriter,
        brief=work.brief,
        title=work.title,
        files=[png_upload()],
        previous=work,
    )
    work.refresh_from_db()
    assert v2.version == 2 and v2.previous == work
    assert work.status == CreativeWork.Status.SUPERSEDED
    with pytest.raises(DomainError):
        services.work_submit(
            actor=cast.copywriter, brief=work.brief, title="x", files=[png_upload()], previous=work
        )


def test_good_enough_is_judged_after_on_strategy(cast, work):
    with pytest.raises(DomainError):
        judge(work, cast.cd, QUALITY, YES)


def test_judgment_levels_belong_to_their_roles(cast, work):
    with pytest.raises(PermissionDenied):
        judge(work, cast.cd, STRATEGY, YES)
    with pytest.raises(PermissionDenied):
        judge(work, cast.copywriter, STRATEGY, YES)
    judge(work, cast.ae, STRATEGY, YES)
    with pytest.raises(PermissionDenied):
        judge(work, cast.am, QUALITY, YES)
    with pytest.raises(DomainError):
        judge(work, cast.ae, STRATEGY, YES)  # already judged


# ---------------------------------------------------------------- escalation


def test_escalation_department_head_then_md_is_recorded_and_final(cast, work):
    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="The headline is flat.")
    # the account side disputes the creative director's "no"; the CD cannot escalate his own
    with pytest.raises(PermissionDenied):
        services.escalation_raise(actor=cast.cd, work=work, statement="x")
    esc = services.escalation_raise(actor=cast.am, work=work, statement="The client loves it.")
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.ESCALATED
    # only a department head of the creative function decides first, never the CD
    # on his own "no"; the MD waits while an independent head exists
    head = UserFactory(
        username="creative-head", role=Role.CREATIVE_DIRECTOR, is_department_head=True
    )
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=cast.md, escalation=esc, decision="overturn", comment="x")
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=cast.ad, escalation=esc, decision="overturn", comment="x")
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=cast.cd, escalation=esc, decision="uphold", comment="x")
    services.escalation_decide(
        actor=head, escalation=esc, decision="uphold", comment="Needs a stronger headline."
    )
    esc.refresh_from_db()
    work.refresh_from_db()
    assert esc.status == Escalation.Status.DECIDED and esc.head_by == head and esc.head_at
    assert work.status == CreativeWork.Status.REVISE
    # still contested: the MD decides, and that is final
    with pytest.raises(PermissionDenied):
        services.escalation_contest(actor=cast.copywriter, escalation=esc, statement="x")
    services.escalation_contest(actor=cast.am, escalation=esc, statement="The client's deadline.")
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=cast.cd, escalation=esc, decision="uphold", comment="x")
    services.escalation_decide(
        actor=cast.md, escalation=esc, decision="overturn", comment="Present it as is."
    )
    esc.refresh_from_db()
    work.refresh_from_db()
    assert esc.status == Escalation.Status.FINAL
    assert (esc.md_by, esc.md_decision) == (cast.md, "overturn") and esc.md_at
    assert esc.head_decision == "uphold"  # the first decision stays on record
    assert work.status == CreativeWork.Status.READY
    assert work.judgments.get(level=QUALITY).overturned_by == esc
    with pytest.raises(DomainError):
        services.escalation_decide(actor=cast.md, escalation=esc, decision="uphold", comment="x")
    with pytest.raises(DomainError):
        services.escalation_contest(actor=cast.am, escalation=esc, statement="again")
    actions = list(
        TimelineEvent.objects.filter(
            object_id=esc.pk, content_type__model="escalation"
        ).values_list("action", flat=True)
    )
    assert actions == ["raised", "head_decided", "contested", "md_decided"]


def test_the_md_decides_at_once_when_the_only_head_made_the_disputed_judgment(cast, work):
    # given the CD, the only creative department head, says "not good enough"
    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat.")
    esc = services.escalation_raise(actor=cast.am, work=work, statement="The client loves it.")
    # then he may not decide the appeal against himself; the MD decides, finally
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=cast.cd, escalation=esc, decision="uphold", comment="x")
    services.escalation_decide(
        actor=cast.md, escalation=esc, decision="overturn", comment="Present it."
    )
    esc.refresh_from_db()
    work.refresh_from_db()
    assert esc.status == Escalation.Status.FINAL
    assert (esc.md_by, esc.md_decision, esc.head_by) == (cast.md, "overturn", None)
    assert work.status == CreativeWork.Status.READY
    with pytest.raises(DomainError):
        services.escalation_contest(actor=cast.cd, escalation=esc, statement="again")


def test_a_strategy_no_is_escalated_by_the_creative_director_to_an_account_head(cast, work):
    judge(work, cast.am, STRATEGY, NO, reason="off_strategy", comment="Not about the metro.")
    with pytest.raises(PermissionDenied):
        services.escalation_raise(actor=cast.am, work=work, statement="x")
    with pytest.raises(DomainError):
        services.escalation_raise(actor=cast.cd, work=work, statement="  ")
    esc = services.escalation_raise(actor=cast.cd, work=work, statement="It is about the metro.")
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=cast.cd, escalation=esc, decision="overturn", comment="x")
    services.escalation_decide(actor=cast.ad, escalation=esc, decision="overturn", comment="Fine.")
    work.refresh_from_db()
    # on strategy after all: now the creative director judges "good enough?"
    assert work.status == CreativeWork.Status.SUBMITTED
    judge(work, cast.cd, QUALITY, YES)
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.READY


def test_only_a_no_can_be_escalated(cast, work):
    judge(work, cast.am, STRATEGY, YES)
    with pytest.raises(DomainError):
        services.escalation_raise(actor=cast.cd, work=work, statement="x")
    assert not Escalation.objects.exists()


# ---------------------------------------------------------------- jobs


@pytest.fixture
def job(cast, make_brief):
    brief = make_brief(S.BRIEFED)
    template = JobStageTemplate.objects.get(code="print-ad")
    return services.job_create(
        actor=cast.traffic,
        brief=brief,
        template=template,
        title="Metro poster",
        owner=cast.copywriter,
    )


def test_stage_templates_are_seeded_by_the_migration():
    names = {t.code: [s.name for s in t.steps.all()] for t in JobStageTemplate.objects.all()}
    assert names["print-ad"] == ["Sketch", "Copy", "Layout", "Client proof", "Final art", "Print"]
    assert names["tvc"][0] == "Script" and names["tvc"][-1] == "Delivery" and len(names["tvc"]) == 7
    assert names["pitch"] == ["Brief", "Concepts", "Internal review", "Rehearsal", "Presentation"]


def test_a_job_starts_at_its_first_stage(job, cast):
    assert job.current_stage.name == "Sketch" and job.current_stage.owner == cast.copywriter
    assert job.stages.count() == 6


def test_a_hand_off_records_who_and_when(job, cast):
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)):
        handoff = services.job_hand_off(
            actor=cast.traffic, job=job, to_user=cast.cd, note="Sketch OK"
        )
    job.refresh_from_db()
    assert handoff.from_stage.name == "Sketch" and handoff.to_stage.name == "Copy"
    assert handoff.from_user == cast.copywriter and handoff.to_user == cast.cd
    assert handoff.handed_by == cast.traffic
    assert handoff.at == dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    assert job.current_stage.name == "Copy" and job.current_stage.owner == cast.cd
    assert JobStage.objects.get(job=job, name="Sketch").status == JobStage.Status.DONE


def test_only_traffic_and_account_people_move_stages(job, cast):
    for key in ("copywriter", "cd", "planner", "bd", "md"):
        with pytest.raises(PermissionDenied):
            services.job_hand_off(actor=getattr(cast, key), job=job)
    assert not HandOff.objects.exists()
    services.job_hand_off(actor=cast.ae, job=job)
    assert HandOff.objects.count() == 1


def test_the_last_hand_off_delivers_the_job(job, cast):
    for _i in range(6):
        services.job_hand_off(actor=cast.traffic, job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.DELIVERED and job.current_stage is None
    with pytest.raises(DomainError):
        services.job_hand_off(actor=cast.traffic, job=job)


def test_a_stage_past_its_due_date_is_overdue(job, cast):
    stage = job.current_stage
    services.job_stage_update(
        actor=cast.traffic, stage=stage, owner=cast.copywriter, due_date=dt.date(2026, 12, 10)
    )
    stage.refresh_from_db()
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC)):
        assert not stage.is_overdue
    with time_machine.travel(dt.datetime(2026, 12, 11, 1, 0, tzinfo=dt.UTC)):  # 09:00 in Shanghai
        assert stage.is_overdue


def test_a_stage_owner_must_be_on_the_team(job, cast):
    with pytest.raises(DomainError):
        services.job_stage_update(actor=cast.traffic, stage=job.current_stage, owner=cast.outsider)


def _plan_strategy(client, status):
    from plans.models import AccountPlan, Strategy

    plan = AccountPlan.objects.create(client=client, year=2026, status=status)
    return Strategy.objects.create(plan=plan, title="Own the metro story")


def test_a_brief_links_only_to_a_strategy_of_the_approved_plan(cast):
    draft_strategy = _plan_strategy(cast.other_client, "draft")
    data = {
        "title": "Metro",
        "client_problem": "p",
        "target_audience": "a",
        "proposition": "x",
        "deliverables": "d",
    }
    with pytest.raises(DomainError):
        services.brief_create(
            actor=cast.am, client=cast.client, data={**data, "strategy": draft_strategy}
        )
    approved = _plan_strategy(cast.client, "approved")
    brief = services.brief_create(
        actor=cast.am, client=cast.client, data={**data, "strategy": approved}
    )
    assert brief.strategy == approved


def test_changing_the_linked_strategy_after_signing_returns_to_draft(cast, make_brief):
    approved = _plan_strategy(cast.client, "approved")
    brief = make_brief(S.SIGNED)
    services.brief_update(actor=cast.am, brief=brief, data={"strategy": approved})
    brief.refresh_from_db()
    assert brief.status == S.DRAFT and brief.strategy == approved


def test_agreement_needs_a_known_way_and_a_decision_a_known_choice(cast, make_brief, work):
    brief = make_brief(S.SIGNED)
    with pytest.raises(DomainError, match="how the client agreed"):
        services.brief_record_agreement(
            actor=cast.am,
            brief=brief,
            contact=cast.contact,
            agreed_on=dt.date(2026, 11, 1),
            via="fax",
        )
    judge(work, cast.am, STRATEGY, NO, reason="budget", comment="Too expensive.")
    esc = services.escalation_raise(actor=cast.cd, work=work, statement="It fits.")
    with pytest.raises(DomainError, match="uphold or overturn"):
        services.escalation_decide(actor=cast.ad, escalation=esc, decision="maybe", comment="x")


def test_one_bad_file_refuses_the_whole_upload_and_writes_nothing(cast, make_brief, settings):
    brief = make_brief(S.BRIEFED)
    with pytest.raises(DomainError):
        services.work_submit(
            actor=cast.copywriter, brief=brief, title="Two", files=[png_upload(), exe_as_png()]
        )
    assert not CreativeWork.objects.exists()
    root = settings.MEDIA_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))
