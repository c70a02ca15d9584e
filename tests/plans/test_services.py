import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from agency.errors import DomainError
from agency.models import TimelineEvent
from agency.timeline import timeline_for
from plans import services
from plans.approvers import REVIEW, SIGNOFF, plans_awaiting
from plans.models import AccountPlan, PlanReview
from plans.selectors import approved_plan_for, approved_strategies_for
from plans.services import RowChanges

from ..factories import MembershipFactory
from .factories import AccountPlanFactory, StrategyFactory


def test_plan_create_makes_a_draft_revision_one(cast):
    plan = services.plan_create(actor=cast.am, client=cast.client, year=2027)
    assert (plan.status, plan.revision, plan.year) == ("draft", 1, 2027)
    assert [e.action for e in timeline_for(plan)] == ["created"]


def test_plan_create_refuses_a_second_plan_for_the_same_year(cast):
    services.plan_create(actor=cast.am, client=cast.client, year=2027)
    with pytest.raises(DomainError):
        services.plan_create(actor=cast.ae, client=cast.client, year=2027)
    assert AccountPlan.objects.filter(client=cast.client).count() == 1


@pytest.mark.parametrize("who", ["cd", "copywriter", "planner", "bd", "md", "finance", "outsider"])
def test_plan_create_refuses_everyone_but_account_service_on_team(cast, who):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=getattr(cast, who), client=cast.client, year=2027)
    assert not AccountPlan.objects.exists()


def test_submit_needs_annual_goal_phase_goal_and_strategy(cast):
    plan = AccountPlanFactory(client=cast.client, annual_goals="  ")
    with pytest.raises(DomainError) as e:
        services.plan_submit(actor=cast.am, plan=plan)
    assert e.value.message == services.ERR_INCOMPLETE
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_full_workflow_submit_agree_sign_off(
    cast, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    assert plan.status == "submitted"
    assert plan.review_round == 1
    # submit → reviewers: the BD on team and the CD on team
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.bd.email, cast.cd.email])
    mail = mailoutbox[0]
    assert "waiting for your review" in mail.subject
    assert "Cast am submitted the account plan 2027" in mail.body
    assert "Cast am submitted the account plan 2027" in mail.alternatives[0][0]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(actor=cast.bd, plan=plan, decision="agree")
    assert mailoutbox == []  # not everyone agreed yet
    assert plans_awaiting(cast.md, SIGNOFF) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(actor=cast.cd, plan=plan, decision="agree", comment="创意方向一致")
    # all agreed → the MD
    assert [m.to[0] for m in mailoutbox] == [cast.md.email]
    assert "ready for your sign-off" in mailoutbox[0].subject
    assert "Every reviewer agreed" in mailoutbox[0].body
    assert "Every reviewer agreed" in mailoutbox[0].alternatives[0][0]
    assert plans_awaiting(cast.md, SIGNOFF) == [plan]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_sign_off(actor=cast.md, plan=plan)
    assert plan.status == "approved"
    assert plan.signed_off_by == cast.md
    # sign-off → the team
    assert cast.am.email in [m.to[0] for m in mailoutbox]
    assert cast.copywriter.email in [m.to[0] for m in mailoutbox]
    assert "is signed off" in mailoutbox[0].subject
    assert "It is now approved." in mailoutbox[0].body
    assert "It is now approved." in mailoutbox[0].alternatives[0][0]
    assert [e.action for e in timeline_for(plan)] == [
        "submitted",
        "agreed",
        "agreed",
        "all_agreed",
        "signed_off",
    ]
    assert approved_plan_for(cast.client, 2027) == plan


def test_emails_are_in_the_recipients_language(
    cast, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    cast.bd.language = "zh-hans"
    cast.bd.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(actor=cast.am, plan=draft_plan)
    bd_mail = next(m for m in mailoutbox if m.to == [cast.bd.email])
    assert "经营计划" in bd_mail.subject


def test_emails_are_queued_only_on_commit(
    cast, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.plan_submit(actor=cast.am, plan=draft_plan)
    assert mailoutbox == []
    assert len(callbacks) == 2


def test_sign_off_before_all_agree_is_refused(cast, submitted_plan):
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    with pytest.raises(DomainError) as e:
        services.plan_sign_off(actor=cast.md, plan=submitted_plan)
    assert e.value.message == services.ERR_NOT_ALL_AGREED
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "submitted"


def test_objection_needs_a_comment_and_sends_the_plan_back_to_draft(
    cast, submitted_plan, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError) as e:
        services.plan_review(actor=cast.cd, plan=submitted_plan, decision="object", comment=" ")
    assert e.value.message == services.ERR_OBJECTION_NEEDS_COMMENT
    assert not PlanReview.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(
            actor=cast.cd, plan=submitted_plan, decision="object", comment="创意资源不足"
        )
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "draft"
    event = timeline_for(submitted_plan).last()
    assert (event.action, event.comment) == ("objected", "创意资源不足")
    assert cast.am.email in [m.to[0] for m in mailoutbox]
    assert "创意资源不足" in mailoutbox[0].body
    # Resubmitting starts a new round: the old reviews no longer count.
    plan = services.plan_submit(actor=cast.am, plan=submitted_plan)
    assert plan.review_round == 2
    assert plans_awaiting(cast.cd, REVIEW) == [plan]


def test_a_reviewer_reviews_once_per_submission(cast, submitted_plan):
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    with pytest.raises(DomainError) as e:
        services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    assert e.value.message == services.ERR_ALREADY_REVIEWED
    assert PlanReview.objects.count() == 1


def test_md_reviews_in_the_bds_stead_when_no_bd_is_on_the_team(cast, draft_plan):
    cast.client.memberships.filter(user=cast.bd).delete()
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    assert plans_awaiting(cast.md, REVIEW) == [plan]
    services.plan_review(actor=cast.md, plan=plan, decision="agree")
    services.plan_review(actor=cast.cd, plan=plan, decision="agree")
    assert services.plan_all_agreed(plan)
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=cast.bd, plan=plan, decision="agree")


def test_md_returns_a_plan_with_a_reason(
    cast, submitted_plan, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError):
        services.plan_return(actor=cast.md, plan=submitted_plan, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_return(actor=cast.md, plan=submitted_plan, reason="利润率太低")
    assert plan.status == "draft"
    assert plan.return_reason == "利润率太低"
    assert "returned by the MD" in mailoutbox[0].subject
    assert "利润率太低" in mailoutbox[0].alternatives[0][0]


def test_an_approved_plan_cannot_be_edited(cast, approved_plan):
    with pytest.raises(DomainError) as e:
        services.plan_save(
            actor=cast.am,
            plan=approved_plan,
            version=approved_plan.version,
            data={"annual_goals": "changed"},
        )
    assert e.value.message == services.ERR_NOT_DRAFT
    approved_plan.refresh_from_db()
    assert approved_plan.annual_goals != "changed"


def test_start_revision_copies_every_row(cast, approved_plan):
    new = services.plan_start_revision(actor=cast.am, plan=approved_plan)
    assert (new.revision, new.status, new.previous) == (2, "draft", approved_plan)
    for name in services.PLAN_FIELDS:
        assert getattr(new, name) == getattr(approved_plan, name)
    old_goals = list(
        approved_plan.phase_goals.values_list("title", "measure", "due_date", "status")
    )
    assert list(new.phase_goals.values_list("title", "measure", "due_date", "status")) == old_goals
    assert new.strategies.count() == approved_plan.strategies.count() == 1
    new_strategy = new.strategies.get()
    # The copied strategy links to the COPIED phase goal, not the old one.
    assert [g.plan_id for g in new_strategy.phase_goals.all()] == [new.pk]
    assert [g.title for g in new_strategy.phase_goals.all()] == ["开盘前蓄客 3000 组"]
    fields = ("what", "quarter", "budget", "account_hours", "creative_hours")
    assert list(new.activities.values_list(*fields)) == list(
        approved_plan.activities.values_list(*fields)
    )
    # The approved revision stays approved and readable until the new one is signed off.
    approved_plan.refresh_from_db()
    assert approved_plan.status == "approved"
    assert approved_plan_for(cast.client, approved_plan.year) == approved_plan


def test_start_revision_only_from_the_latest_approved_plan(cast, approved_plan, draft_plan):
    services.plan_start_revision(actor=cast.am, plan=approved_plan)
    with pytest.raises(DomainError) as e:
        services.plan_start_revision(actor=cast.am, plan=approved_plan)
    assert e.value.message == services.ERR_REVISION_EXISTS
    other = AccountPlanFactory(client=cast.client, year=2030)
    with pytest.raises(DomainError) as e:
        services.plan_start_revision(actor=cast.am, plan=other)
    assert e.value.message == services.ERR_REVISION_NOT_APPROVED


def test_diff_lists_a_changed_target_and_an_added_strategy(cast, approved_plan):
    new = services.plan_start_revision(actor=cast.am, plan=approved_plan)
    new = services.plan_save(
        actor=cast.am,
        plan=new,
        version=new.version,
        data={"revenue_target": Decimal("1500000.00")},
        strategies=RowChanges(
            upsert=[
                (new.strategies.get(), {"title": "以社区生活方式定位"}),
                (None, {"title": "数字化获客", "description": "", "phase_goals": []}),
            ]
        ),
    )
    diff = services.plan_diff(approved_plan, new)
    labels = {str(label): (old, new_) for label, old, new_ in diff.fields}
    assert labels["revenue target"] == ("1,200,000.00", "1,500,000.00")
    assert labels["profit target"] == ("400,000.00", "700,000.00")
    assert [s.title for s in diff.strategies.added] == ["数字化获客"]
    assert diff.strategies.removed == [] and diff.strategies.changed == []
    assert diff.phase_goals.empty and diff.activities.empty


def test_diff_lists_removed_and_changed_rows(cast, approved_plan):
    new = services.plan_start_revision(actor=cast.am, plan=approved_plan)
    goals = list(new.phase_goals.all())
    services.plan_save(
        actor=cast.am,
        plan=new,
        version=new.version,
        data={},
        phase_goals=RowChanges(
            upsert=[(goals[0], {"title": goals[0].title, "due_date": dt.date(2027, 7, 31)})],
            delete=[goals[1]],
        ),
    )
    diff = services.plan_diff(approved_plan, new)
    assert [g.title for g in diff.phase_goals.removed] == ["Second phase launch"]
    row, changes = diff.phase_goals.changed[0]
    assert row.title == "开盘前蓄客 3000 组"
    assert [str(c[0]) for c in changes] == ["due date"]


def test_signing_off_a_revision_supersedes_the_previous_one(cast, approved_plan):
    new = services.plan_start_revision(actor=cast.am, plan=approved_plan)
    services.plan_submit(actor=cast.am, plan=new)
    services.plan_review(actor=cast.bd, plan=new, decision="agree")
    services.plan_review(actor=cast.cd, plan=new, decision="agree")
    services.plan_sign_off(actor=cast.md, plan=new)
    approved_plan.refresh_from_db()
    assert approved_plan.status == "superseded"
    assert approved_plan_for(cast.client, new.year) == new
    assert [s.plan_id for s in approved_strategies_for(cast.client)] == [new.pk]


def test_second_save_with_a_stale_version_is_refused_and_keeps_the_first(cast, draft_plan):
    loaded = draft_plan.version
    services.plan_save(
        actor=cast.am, plan=draft_plan, version=loaded, data={"annual_goals": "AM 的目标"}
    )
    with pytest.raises(services.StalePlanError) as e:
        services.plan_save(
            actor=cast.ae, plan=draft_plan, version=loaded, data={"annual_goals": "AE 的目标"}
        )
    assert e.value.current.annual_goals == "AM 的目标"
    draft_plan.refresh_from_db()
    assert draft_plan.annual_goals == "AM 的目标"
    assert draft_plan.version == loaded + 1


def test_save_bumps_version_only_when_something_changed(cast, draft_plan):
    v = draft_plan.version
    plan = services.plan_save(
        actor=cast.am, plan=draft_plan, version=v, data={"annual_goals": draft_plan.annual_goals}
    )
    assert plan.version == v
    assert not TimelineEvent.objects.filter(action="edited").exists()


def test_save_ignores_rows_of_another_plan(cast, draft_plan):
    foreign = StrategyFactory(title="foreign")
    services.plan_save(
        actor=cast.am,
        plan=draft_plan,
        version=draft_plan.version,
        data={},
        strategies=RowChanges(upsert=[(foreign, {"title": "hijacked"})], delete=[foreign]),
    )
    foreign.refresh_from_db()
    assert foreign.title == "foreign"


def test_phase_goal_progress_is_tracked_on_an_approved_plan_only(cast, approved_plan, draft_plan):
    goal = approved_plan.phase_goals.first()
    services.phase_goal_set_status(actor=cast.ae, goal=goal, status="done")
    goal.refresh_from_db()
    assert goal.status == "done"
    with pytest.raises(DomainError):
        services.phase_goal_set_status(
            actor=cast.ae,
            goal=AccountPlanFactory(client=cast.client, year=2031).phase_goals.create(
                title="x", due_date=dt.date(2031, 1, 1)
            ),
            status="done",
        )
    with pytest.raises(PermissionDenied):
        services.phase_goal_set_status(actor=cast.copywriter, goal=goal, status="missed")


def test_one_plan_per_client_year_revision_is_a_database_constraint(cast, draft_plan):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountPlan.objects.create(client=cast.client, year=draft_plan.year, revision=1)


def test_a_cd_not_on_the_team_is_not_a_required_reviewer(cast, draft_plan):
    cast.client.memberships.filter(user=cast.cd).delete()
    other_cd = MembershipFactory(team_role="cd").user
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    services.plan_review(actor=cast.bd, plan=plan, decision="agree")
    assert services.plan_all_agreed(plan)
    with pytest.raises(PermissionDenied):
        services.plan_review(actor=other_cd, plan=plan, decision="agree")
