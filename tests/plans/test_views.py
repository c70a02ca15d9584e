import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from agency import dashboard
from plans import services
from plans.models import AccountPlan, PhaseGoal, Strategy

from ..factories import ClientFactory, MembershipFactory
from .factories import AccountPlanFactory, complete_plan


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def plan_post(plan, **overrides):
    data = {
        "version": plan.version,
        "posture": "grow",
        "annual_goals": "销售额增长 20%",
        "training_plan": "每季度一次品牌培训",
        "revenue_target": "1000000",
        "cost_target": "600000",
        **management("goals"),
        **management("strategies"),
        **management("activities"),
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_am_fills_the_one_page_form_with_rows(cast, as_user):
    plan = AccountPlanFactory(client=cast.client, annual_goals="")
    data = plan_post(
        plan,
        **management("goals", 2),
        **{
            "goals-0-title": "开盘蓄客",
            "goals-0-measure": "3000 组",
            "goals-0-due_date": "2027-03-31",
            "goals-0-status": "planned",
            "goals-1-title": "二期开盘",
            "goals-1-measure": "去化 80%",
            "goals-1-due_date": "2027-09-30",
            "goals-1-status": "planned",
        },
        **management("strategies", 1),
        **{"strategies-0-title": "生活方式定位", "strategies-0-description": "改善型买家"},
        **management("activities", 1),
        **{
            "activities-0-what": "样板间开放",
            "activities-0-owner": cast.ae.pk,
            "activities-0-quarter": "1",
            "activities-0-budget": "80000",
            "activities-0-account_hours": "40",
            "activities-0-creative_hours": "60",
            "activities-0-planner_hours": "10",
            "activities-0-media_hours": "0",
        },
    )
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.annual_goals == "销售额增长 20%"
    assert plan.profit_target == 400000
    assert list(plan.phase_goals.values_list("title", flat=True)) == ["开盘蓄客", "二期开盘"]
    assert plan.strategies.get().title == "生活方式定位"
    assert plan.activities.get().owner == cast.ae
    assert plan.version == 2


def test_rows_are_removed_with_the_delete_flag(cast, as_user, draft_plan):
    goals = list(draft_plan.phase_goals.all())
    strategy = draft_plan.strategies.get()
    activity = draft_plan.activities.get()
    data = plan_post(
        draft_plan,
        **management("goals", 2, 2),
        **management("strategies", 1, 1),
        **management("activities", 1, 1),
    )
    for i, g in enumerate(goals):
        data.update(
            {
                f"goals-{i}-id": g.pk,
                f"goals-{i}-title": g.title,
                f"goals-{i}-due_date": g.due_date.isoformat(),
                f"goals-{i}-status": g.status,
            }
        )
    data["goals-1-DELETE"] = "on"
    data.update(
        {
            "strategies-0-id": strategy.pk,
            "strategies-0-title": "新的策略标题",
            "strategies-0-phase_goals": [goals[0].pk],
            "activities-0-id": activity.pk,
            "activities-0-what": activity.what,
            "activities-0-quarter": "2",
            "activities-0-budget": "1",
            "activities-0-account_hours": "0",
            "activities-0-creative_hours": "0",
            "activities-0-planner_hours": "0",
            "activities-0-media_hours": "0",
        }
    )
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert list(draft_plan.phase_goals.all()) == [goals[0]]
    strategy.refresh_from_db()
    assert strategy.title == "新的策略标题"
    assert list(strategy.phase_goals.all()) == [goals[0]]


def test_negative_targets_and_dates_outside_the_year_are_form_errors(cast, as_user, draft_plan):
    data = plan_post(
        draft_plan,
        revenue_target="-5",
        **management("goals", 1),
        **{
            "goals-0-title": "x",
            "goals-0-due_date": "2028-01-01",
            "goals-0-status": "planned",
        },
        **management("activities", 1),
        **{
            "activities-0-what": "y",
            "activities-0-quarter": "1",
            "activities-0-budget": "-1",
            "activities-0-account_hours": "-2",
            "activities-0-creative_hours": "0",
            "activities-0-planner_hours": "0",
            "activities-0-media_hours": "0",
        },
    )
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    assert response.status_code == 200
    assert "revenue_target" in response.context["form"].errors
    assert "due_date" in response.context["phase_goals"].forms[0].errors
    assert "budget" in response.context["activities"].forms[0].errors
    assert "account_hours" in response.context["activities"].forms[0].errors
    draft_plan.refresh_from_db()
    assert draft_plan.revenue_target > 0
    assert draft_plan.phase_goals.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("revenue_target", "abc"),
        ("revenue_target", "1e400"),
        ("cost_target", "NaN"),
        ("version", "x"),
        ("posture", "bogus"),
        ("goals-TOTAL_FORMS", "zz"),
    ],
)
def test_bad_input_is_never_a_500(cast, as_user, draft_plan, field, value):
    data = plan_post(draft_plan, **{field: value})
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    assert response.status_code == 200
    draft_plan.refresh_from_db()
    assert draft_plan.version == 1


def test_posted_status_or_version_fields_are_ignored(cast, as_user, draft_plan):
    data = plan_post(draft_plan, status="approved", revision="9", review_round="5")
    as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    draft_plan.refresh_from_db()
    assert (draft_plan.status, draft_plan.revision, draft_plan.review_round) == ("draft", 1, 0)


def test_a_foreign_row_id_in_the_formset_changes_nothing(cast, as_user, draft_plan):
    foreign = complete_plan(cast.other_client).strategies.get()
    data = plan_post(
        draft_plan,
        **management("strategies", 1, 1),
        **{"strategies-0-id": foreign.pk, "strategies-0-title": "hijack"},
    )
    as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    foreign.refresh_from_db()
    assert foreign.title != "hijack"
    assert foreign.plan.client == cast.other_client


def test_concurrent_edit_second_save_is_refused_and_both_values_are_shown(
    cast, as_user, client, django_user_model, draft_plan
):
    from django.test import Client

    am, ae = Client(), Client()
    am.force_login(cast.am)
    ae.force_login(cast.ae)
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    # both load the form at version 1
    assert am.get(url).context["form"]["version"].value() == 1
    assert ae.get(url).context["form"]["version"].value() == 1
    assert am.post(url, plan_post(draft_plan, annual_goals="AM 保存的目标")).status_code == 302
    response = ae.post(url, plan_post(draft_plan, annual_goals="AE 想要的目标"))
    assert response.status_code == 200
    assert services.ERR_STALE in messages_of(response)
    html = response.content.decode()
    assert "AM 保存的目标" in html  # the newer saved value
    assert "AE 想要的目标" in html  # what AE typed, still in the form
    draft_plan.refresh_from_db()
    assert draft_plan.annual_goals == "AM 保存的目标"
    # The form now carries the newer version: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == 2
    again = ae.post(url, plan_post(draft_plan, annual_goals="AE 想要的目标"))
    assert again.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.annual_goals == "AE 想要的目标"


def test_editing_an_approved_plan_is_refused_with_a_message(cast, as_user, approved_plan):
    c = as_user(cast.am)
    url = reverse("plans:plan_edit", args=[approved_plan.pk])
    response = c.get(url)
    assert response.status_code == 302
    assert services.ERR_NOT_DRAFT in messages_of(response)
    response = c.post(url, plan_post(approved_plan, annual_goals="sneaky"))
    assert response.status_code == 302
    approved_plan.refresh_from_db()
    assert approved_plan.annual_goals != "sneaky"


def test_sign_off_before_all_agree_is_refused_with_a_message(cast, as_user, submitted_plan):
    response = as_user(cast.md).post(reverse("plans:plan_sign_off", args=[submitted_plan.pk]))
    assert response.status_code == 302
    assert services.ERR_NOT_ALL_AGREED in messages_of(response)
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "submitted"


def test_submitting_an_incomplete_plan_is_refused_with_a_message(cast, as_user):
    plan = AccountPlanFactory(client=cast.client)
    response = as_user(cast.am).post(reverse("plans:plan_submit", args=[plan.pk]))
    assert services.ERR_INCOMPLETE in messages_of(response)
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_objection_without_comment_is_refused_with_a_message(cast, as_user, submitted_plan):
    response = as_user(cast.cd).post(
        reverse("plans:plan_review", args=[submitted_plan.pk]), {"decision": "object"}
    )
    assert response.status_code == 302
    assert "An objection must say why." in messages_of(response)
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "submitted"


def test_save_and_submit_in_one_click(cast, as_user, draft_plan):
    data = plan_post(draft_plan, submit="1")
    response = as_user(cast.am).post(reverse("plans:plan_edit", args=[draft_plan.pk]), data)
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == "submitted"


def test_detail_shows_the_objection_reason_and_timeline(cast, as_user, submitted_plan):
    services.plan_review(
        actor=cast.cd, plan=submitted_plan, decision="object", comment="缺少创意资源"
    )
    response = as_user(cast.am).get(submitted_plan.get_absolute_url())
    html = response.content.decode()
    assert "缺少创意资源" in html
    assert "Objected: back to draft" in html
    assert "Cast cd" in html


def test_detail_of_a_revision_shows_what_changed(cast, as_user, approved_plan):
    new = services.plan_start_revision(actor=cast.am, plan=approved_plan)
    services.plan_save(
        actor=cast.am,
        plan=new,
        version=new.version,
        data={"cost_target": 900000},
        strategies=services.RowChanges(
            upsert=[
                (new.strategies.get(), {"title": "以社区生活方式定位"}),
                (None, {"title": "老业主转介绍", "phase_goals": []}),
            ]
        ),
    )
    html = as_user(cast.planner).get(new.get_absolute_url()).content.decode()
    assert "Changes since revision 1" in html
    assert "老业主转介绍" in html
    assert "800,000.00" in html and "900,000.00" in html
    # the earlier revision stays readable
    assert as_user(cast.planner).get(approved_plan.get_absolute_url()).status_code == 200


def test_user_text_is_escaped_on_the_page(cast, as_user, draft_plan):
    draft_plan.annual_goals = '<script>alert(1)</script><img src="file:///etc/passwd">'
    draft_plan.save()
    html = as_user(cast.am).get(draft_plan.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plan_list_query_count_does_not_grow_with_rows(
    cast, as_user, django_assert_max_num_queries
):
    c = as_user(cast.md)
    for year in range(2027, 2030):
        complete_plan(cast.client, year=year)
    with django_assert_max_num_queries(12) as few:
        c.get(reverse("plans:plan_list"))
    for year in range(2030, 2045):
        complete_plan(ClientFactory(), year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = c.get(reverse("plans:plan_list"))
    assert len(response.context["page"]) == 18


def test_plan_list_paginates(cast, as_user):
    for year in range(2000, 2030):
        AccountPlanFactory(client=cast.client, year=year)
    response = as_user(cast.am).get(reverse("plans:plan_list"), {"page": 2})
    assert len(response.context["page"]) == 5


def test_create_form_defaults_to_next_year_from_december(cast, as_user):
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)):
        response = as_user(cast.am).get(reverse("plans:plan_create", args=[cast.client.pk]))
    assert response.context["form"].initial["year"] == 2027


def test_creating_a_duplicate_plan_is_refused_with_a_message(cast, as_user, draft_plan):
    response = as_user(cast.am).post(
        reverse("plans:plan_create", args=[cast.client.pk]), {"year": draft_plan.year}
    )
    assert response.status_code == 200  # the form again, with the refusal above it
    assert messages_of(response) == [str(services.ERR_PLAN_EXISTS) % {"year": draft_plan.year}]
    assert AccountPlan.objects.count() == 1


# ------------------------------------------------------------ client page panel


def test_client_page_shows_the_approved_plan_and_phase_goal_progress(cast, as_user, approved_plan):
    goal = approved_plan.phase_goals.first()
    services.phase_goal_set_status(actor=cast.am, goal=goal, status=PhaseGoal.Status.DONE)
    html = as_user(cast.copywriter).get(cast.client.get_absolute_url()).content.decode()
    assert 'id="plan-panel"' in html
    assert "Approved plan 2027 (rev. 1)" in html
    assert "Phase goals done: 1 of 2" in html
    assert "开盘前蓄客 3000 组" in html


def test_client_page_has_no_plan_panel_for_finance(cast, as_user, approved_plan):
    html = as_user(cast.finance).get(cast.client.get_absolute_url()).content.decode()
    assert 'id="plan-panel"' not in html
    assert "开盘前蓄客" not in html


def test_client_page_panel_query_count_is_fixed(cast, as_user, django_assert_max_num_queries):
    plan = complete_plan(cast.client)
    c = as_user(cast.am)
    with django_assert_max_num_queries(60) as few:
        c.get(cast.client.get_absolute_url())
    for _ in range(10):
        plan.phase_goals.create(title="more", due_date=dt.date(2027, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(cast.client.get_absolute_url())


# ------------------------------------------------------------ waiting for me


def titles(user):
    return {s.title: [i.label for i in s.items] for s in dashboard.sections_for(user)}


def test_dashboard_lists_plans_awaiting_my_review_and_my_sign_off(cast, submitted_plan):
    assert "Account plans awaiting my review" in titles(cast.bd)
    assert "Account plans awaiting my review" in titles(cast.cd)
    assert "Account plans awaiting my review" not in titles(cast.copywriter)
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    assert "Account plans awaiting my review" not in titles(cast.bd)
    assert "Account plans awaiting my sign-off" not in titles(cast.md)
    services.plan_review(actor=cast.cd, plan=submitted_plan, decision="agree")
    assert titles(cast.md)["Account plans awaiting my sign-off"] == [str(submitted_plan)]


def test_dashboard_from_1_december_lists_clients_without_next_years_plan(cast, as_user):
    lost = ClientFactory(status="lost")
    MembershipFactory(client=lost, user=cast.am)
    title = "Clients with no account plan for 2027"
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)):
        assert title not in titles(cast.am)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        assert titles(cast.am)[title] == [str(cast.client)]
        assert title not in titles(cast.copywriter)
        html = as_user(cast.am).get("/").content.decode()
        assert title in html
        AccountPlanFactory(client=cast.client, year=2027)
        assert title not in titles(cast.am)


def test_dashboard_provider_query_count_is_fixed(cast, django_assert_max_num_queries):
    with time_machine.travel(dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)):
        for _ in range(5):
            c = ClientFactory()
            MembershipFactory(client=c, user=cast.am, team_role="am")
            plan = complete_plan(c, year=2026)
            services.plan_submit(actor=cast.am, plan=plan)
        from plans.providers import dashboard_provider

        with django_assert_max_num_queries(6):
            dashboard_provider(cast.am)
        with django_assert_max_num_queries(6):
            dashboard_provider(cast.md)


def test_strategies_are_unique_per_plan_selector(cast, approved_plan):
    from plans.selectors import approved_strategies_for

    assert list(approved_strategies_for(cast.client)) == list(
        Strategy.objects.filter(plan=approved_plan)
    )
    assert list(approved_strategies_for(cast.other_client)) == []


@pytest.mark.parametrize(
    ("fixture", "who", "action", "data", "message"),
    [
        ("draft_plan", "bd", "plan_review", {"decision": "agree"}, services.ERR_NOT_SUBMITTED),
        ("draft_plan", "md", "plan_sign_off", {}, services.ERR_NOT_SUBMITTED),
        ("draft_plan", "md", "plan_return", {"reason": "x"}, services.ERR_NOT_SUBMITTED),
        ("draft_plan", "am", "plan_start_revision", {}, services.ERR_REVISION_NOT_APPROVED),
        ("submitted_plan", "am", "plan_submit", {}, services.ERR_SUBMIT_NOT_DRAFT),
        ("approved_plan", "am", "plan_submit", {}, services.ERR_SUBMIT_NOT_DRAFT),
        ("approved_plan", "cd", "plan_review", {"decision": "agree"}, services.ERR_NOT_SUBMITTED),
        ("approved_plan", "md", "plan_sign_off", {}, services.ERR_NOT_SUBMITTED),
        ("approved_plan", "md", "plan_return", {"reason": "x"}, services.ERR_NOT_SUBMITTED),
        ("submitted_plan", "md", "plan_return", {"reason": " "}, services.ERR_RETURN_NEEDS_REASON),
    ],
)
def test_transitions_in_the_wrong_state_are_refused_with_a_message(
    request, cast, as_user, fixture, who, action, data, message
):
    plan = request.getfixturevalue(fixture)
    before = (plan.status, plan.version, plan.review_round, AccountPlan.objects.count())
    response = as_user(getattr(cast, who)).post(reverse(f"plans:{action}", args=[plan.pk]), data)
    assert response.status_code == 302
    assert str(message) in messages_of(response)
    plan.refresh_from_db()
    assert (plan.status, plan.version, plan.review_round, AccountPlan.objects.count()) == before


def test_get_on_a_transition_url_is_not_allowed(cast, as_user, submitted_plan):
    response = as_user(cast.md).get(reverse("plans:plan_sign_off", args=[submitted_plan.pk]))
    assert response.status_code == 405


def test_views_use_the_shared_service_runner_and_timeline_helper():
    """One way to run a service from a view, one timeline-label helper (issue 10)."""
    import inspect

    from agency import actions, timeline
    from plans import views

    source = inspect.getsource(views)
    assert "except DomainError" not in source
    assert not hasattr(views, "_transition")
    assert views.run_service is actions.run_service
    assert views.run_and_redirect is actions.run_and_redirect
    assert views.labelled_timeline is timeline.labelled_timeline


def test_a_stale_save_through_run_service_still_shows_the_newer_values(cast, as_user, draft_plan):
    # given: the AE saved after the AM opened the form
    services.plan_save(
        actor=cast.ae, plan=draft_plan, version=draft_plan.version, data={"annual_goals": "AE 的"}
    )
    # when: the AM posts the form loaded at the old version
    response = as_user(cast.am).post(
        reverse("plans:plan_edit", args=[draft_plan.pk]),
        plan_post(draft_plan, annual_goals="AM 的"),
    )
    # then: refused with the stale message, the newer values beside what the AM typed
    assert response.status_code == 200
    assert messages_of(response) == [str(services.ERR_STALE)]
    assert response.context["newer"].annual_goals == "AE 的"
    assert response.context["form"].data["version"] == draft_plan.version + 1
    assert "AM 的" in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.annual_goals == "AE 的"
