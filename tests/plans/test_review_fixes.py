"""Defects found in review: each test fails without its fix."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.approvers import REVIEW, SIGNOFF, plans_awaiting
from plans.forms import ERR_ROW_GONE
from plans.views import ERR_NOT_SAVED

from .factories import ActivityFactory, PhaseGoalFactory, StrategyFactory
from .test_views import management, messages_of, plan_post


def _edit_page_queries(c, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert c.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 200
    return len(queries)


def test_edit_page_query_count_does_not_grow_with_rows(cast, as_user, draft_plan):
    c = as_user(cast.am)
    few = _edit_page_queries(c, draft_plan)
    for _ in range(10):
        goal = PhaseGoalFactory(plan=draft_plan)
        StrategyFactory(plan=draft_plan).phase_goals.add(goal)
        ActivityFactory(plan=draft_plan, owner=cast.ae)
    assert _edit_page_queries(c, draft_plan) == few


def test_a_row_deleted_by_a_concurrent_save_is_reported_not_silently_refused(
    cast, as_user, draft_plan
):
    # given: the AE's form still holds a strategy that the AM deleted meanwhile
    strategy = draft_plan.strategies.get()
    strategy_id = strategy.pk
    strategy.delete()
    data = plan_post(
        draft_plan,
        annual_goals="AE 的目标",
        **management("strategies", 1, 1),
        **{"strategies-0-id": strategy_id, "strategies-0-title": "AE 改的策略"},
    )
    # when
    response = as_user(cast.ae).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    # then: nothing saved, and the user is told what and where
    assert response.status_code == 200
    assert str(ERR_NOT_SAVED) in messages_of(response)
    assert str(ERR_ROW_GONE) in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.version == 1


def test_an_activity_owner_who_left_the_team_does_not_block_saving(cast, as_user, draft_plan):
    activity = draft_plan.activities.get()
    activity.owner = cast.media
    activity.save()
    cast.client.memberships.filter(user=cast.media).delete()
    data = plan_post(
        draft_plan,
        annual_goals="新的年度目标",
        **management("activities", 1, 1),
        **{
            "activities-0-id": activity.pk,
            "activities-0-what": activity.what,
            "activities-0-owner": cast.media.pk,
            "activities-0-quarter": "1",
            "activities-0-budget": "1",
            "activities-0-account_hours": "0",
            "activities-0-creative_hours": "0",
            "activities-0-planner_hours": "0",
            "activities-0-media_hours": "0",
        },
    )
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.annual_goals == "新的年度目标"
    activity.refresh_from_db()
    assert activity.owner == cast.media


def test_an_outsider_still_cannot_be_made_an_activity_owner(cast, as_user, draft_plan):
    data = plan_post(
        draft_plan,
        **management("activities", 1),
        **{
            "activities-0-what": "x",
            "activities-0-owner": cast.outsider.pk,
            "activities-0-quarter": "1",
            "activities-0-budget": "1",
            "activities-0-account_hours": "0",
            "activities-0-creative_hours": "0",
            "activities-0-planner_hours": "0",
            "activities-0-media_hours": "0",
        },
    )
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    assert response.status_code == 200
    assert not draft_plan.activities.filter(owner=cast.outsider).exists()


def test_detail_shows_who_is_still_to_review(cast, as_user, submitted_plan):
    c = as_user(cast.am)
    html = c.get(submitted_plan.get_absolute_url()).content.decode()
    assert html.count("plan-pending-review") == 2
    assert cast.bd.full_name in html
    assert cast.cd.full_name in html
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    response = c.get(submitted_plan.get_absolute_url())
    assert [label for label, _people in response.context["pending_reviews"]] == [
        "Creative director"
    ]


def test_an_inactive_bd_on_the_team_leaves_the_review_to_the_md(cast, draft_plan):
    # given: the BD left the agency but is still listed on the team
    cast.bd.is_active = False
    cast.bd.save()
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    # then: the MD is asked, and may review in the BD's stead
    assert plans_awaiting(cast.md, REVIEW) == [plan]
    services.plan_review(actor=cast.md, plan=plan, decision="agree")
    services.plan_review(actor=cast.cd, plan=plan, decision="agree")
    assert services.plan_all_agreed(plan)


def test_an_inactive_cd_on_the_team_does_not_hide_the_plan_from_the_mds_sign_off(
    cast, submitted_plan
):
    cast.cd.is_active = False
    cast.cd.save()
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    assert services.plan_all_agreed(submitted_plan)
    assert plans_awaiting(cast.md, SIGNOFF) == [submitted_plan]


def test_the_edit_page_keeps_the_objection_reason_in_sight(cast, as_user, submitted_plan):
    services.plan_review(
        actor=cast.cd, plan=submitted_plan, decision="object", comment="创意资源不足,请调整第三季度"
    )
    html = as_user(cast.am).get(reverse("plans:plan_edit", args=[submitted_plan.pk])).content
    assert "创意资源不足,请调整第三季度" in html.decode()
    assert cast.cd.full_name in html.decode()


def test_a_save_after_a_colleague_submitted_keeps_what_was_typed_in_sight(
    cast, as_user, draft_plan
):
    # given: the AE has the form open; the AM submits the plan meanwhile
    services.plan_submit(actor=cast.am, plan=draft_plan)
    data = plan_post(draft_plan, annual_goals="AE 刚写的年度目标")
    # when
    response = as_user(cast.ae).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    # then: refused, but the typed text is still on the page
    assert response.status_code == 200
    assert str(services.ERR_NOT_DRAFT) in messages_of(response)
    assert "AE 刚写的年度目标" in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.status == "submitted"
    assert draft_plan.annual_goals != "AE 刚写的年度目标"


def test_phase_goal_progress_in_the_history_reads_in_the_readers_language(
    cast, as_user, approved_plan
):
    from django.utils import translation

    goal = approved_plan.phase_goals.first()
    with translation.override("zh-hans"):  # the AM works in Chinese
        services.phase_goal_set_status(actor=cast.am, goal=goal, status="done")
    html = as_user(cast.ad).get(approved_plan.get_absolute_url()).content.decode()
    assert f"{goal.title}: Planned → Done" in html


def test_the_admin_cannot_change_an_approved_plan(client, cast, approved_plan):
    from django.contrib.auth import get_user_model

    from .factories import complete_plan

    draft_plan = complete_plan(cast.client, year=2028)
    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin_user)
    url = reverse("admin:plans_accountplan_change", args=[approved_plan.pk])
    page = client.get(url)
    assert page.status_code == 200  # still readable
    response = client.post(
        url,
        {"client": approved_plan.client_id, "year": 2027, "revision": 1, "posture": "maintain"},
    )
    assert response.status_code == 403
    approved_plan.refresh_from_db()
    assert approved_plan.posture == "grow"
    # a draft stays editable there
    assert client.get(reverse("admin:plans_accountplan_change", args=[draft_plan.pk])).context[
        "has_change_permission"
    ]


def test_create_form_offers_next_year_when_this_years_plan_exists(cast, as_user):
    import datetime as dt

    import time_machine

    from .factories import AccountPlanFactory

    AccountPlanFactory(client=cast.client, year=2026)
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)):
        response = as_user(cast.am).get(reverse("plans:plan_create", args=[cast.client.pk]))
    assert response.context["form"].initial["year"] == 2027


def test_an_unknown_progress_status_is_refused_with_its_own_message(cast, approved_plan):
    import pytest

    from agency.errors import DomainError

    goal = approved_plan.phase_goals.first()
    with pytest.raises(DomainError) as refused:
        services.phase_goal_set_status(actor=cast.am, goal=goal, status="bogus")
    assert refused.value.message == services.ERR_BAD_PROGRESS
    goal.refresh_from_db()
    assert goal.status == "planned"
