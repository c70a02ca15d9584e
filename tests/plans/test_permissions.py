"""The permission matrix of PERMISSIONS.md, rows "Account plan"."""

import pytest
from django.urls import reverse

from agency.models import TimelineEvent
from plans.models import AccountPlan, PlanReview

from .factories import AccountPlanFactory

EVERYONE = [
    "ad",
    "am",
    "ae",
    "cd",
    "copywriter",
    "planner",
    "media",
    "traffic",
    "bd",
    "md",
    "finance",
    "outsider",
]
HIDDEN = {"finance", "outsider"}
ACCOUNT = {"ad", "am", "ae"}


def expected(who, allowed):
    if who in HIDDEN:
        return 404
    return None if who in allowed else 403


def snapshot():
    return (
        list(AccountPlan.objects.order_by("pk").values()),
        PlanReview.objects.count(),
        TimelineEvent.objects.count(),
    )


@pytest.mark.parametrize("who", EVERYONE)
def test_view_and_pdf_for_team_bd_md_only(cast, as_user, draft_plan, who):
    c = as_user(getattr(cast, who))
    status = 404 if who in HIDDEN else 200
    assert c.get(reverse("plans:plan_detail", args=[draft_plan.pk])).status_code == status
    assert c.get(reverse("plans:plan_pdf", args=[draft_plan.pk])).status_code == status


@pytest.mark.parametrize("who", EVERYONE)
def test_create_for_account_service_on_team(cast, as_user, who):
    c = as_user(getattr(cast, who))
    response = c.post(reverse("plans:plan_create", args=[cast.client.pk]), {"year": 2027})
    want = expected(who, ACCOUNT)
    if want is None:
        assert response.status_code == 302
        assert AccountPlan.objects.filter(client=cast.client, year=2027).exists()
    else:
        assert response.status_code == want
        assert not AccountPlan.objects.exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_edit_for_account_service_on_team(cast, as_user, draft_plan, who):
    c = as_user(getattr(cast, who))
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    before = snapshot()
    data = {
        "version": draft_plan.version,
        "posture": "invest",
        "annual_goals": "changed",
        "training_plan": "",
        "revenue_target": "1",
        "cost_target": "0",
        "goals-TOTAL_FORMS": "0",
        "goals-INITIAL_FORMS": "0",
        "strategies-TOTAL_FORMS": "0",
        "strategies-INITIAL_FORMS": "0",
        "activities-TOTAL_FORMS": "0",
        "activities-INITIAL_FORMS": "0",
    }
    want = expected(who, ACCOUNT)
    get_status = c.get(url).status_code
    response = c.post(url, data)
    if want is None:
        assert get_status == 200
        assert response.status_code == 302
        draft_plan.refresh_from_db()
        assert draft_plan.annual_goals == "changed"
    else:
        assert get_status == want
        assert response.status_code == want
        assert snapshot() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_submit_for_account_service_on_team(cast, as_user, draft_plan, who):
    before = snapshot()
    response = as_user(getattr(cast, who)).post(reverse("plans:plan_submit", args=[draft_plan.pk]))
    want = expected(who, ACCOUNT)
    draft_plan.refresh_from_db()
    if want is None:
        assert response.status_code == 302
        assert draft_plan.status == "submitted"
    else:
        assert response.status_code == want
        assert snapshot() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_review_for_the_bd_and_cd_on_team(cast, as_user, submitted_plan, who):
    before = snapshot()
    response = as_user(getattr(cast, who)).post(
        reverse("plans:plan_review", args=[submitted_plan.pk]), {"decision": "agree"}
    )
    want = expected(who, {"bd", "cd"})
    if want is None:
        assert response.status_code == 302
        assert PlanReview.objects.get().reviewer == getattr(cast, who)
    else:
        assert response.status_code == want
        assert snapshot() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_sign_off_for_the_md_only(cast, as_user, agreed_plan, who):
    before = snapshot()
    response = as_user(getattr(cast, who)).post(
        reverse("plans:plan_sign_off", args=[agreed_plan.pk])
    )
    want = expected(who, {"md"})
    agreed_plan.refresh_from_db()
    if want is None:
        assert response.status_code == 302
        assert agreed_plan.status == "approved"
    else:
        assert response.status_code == want
        assert snapshot() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_return_for_the_md_only(cast, as_user, submitted_plan, who):
    before = snapshot()
    response = as_user(getattr(cast, who)).post(
        reverse("plans:plan_return", args=[submitted_plan.pk]), {"reason": "不够具体"}
    )
    want = expected(who, {"md"})
    submitted_plan.refresh_from_db()
    if want is None:
        assert response.status_code == 302
        assert submitted_plan.status == "draft"
    else:
        assert response.status_code == want
        assert snapshot() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_start_revision_for_account_service_on_team(cast, as_user, approved_plan, who):
    before = snapshot()
    response = as_user(getattr(cast, who)).post(
        reverse("plans:plan_start_revision", args=[approved_plan.pk])
    )
    want = expected(who, ACCOUNT)
    if want is None:
        assert response.status_code == 302
        assert AccountPlan.objects.filter(revision=2).exists()
    else:
        assert response.status_code == want
        assert snapshot() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_phase_goal_progress_for_account_service_on_team(cast, as_user, approved_plan, who):
    goal = approved_plan.phase_goals.first()
    response = as_user(getattr(cast, who)).post(
        reverse("plans:phase_goal_status", args=[approved_plan.pk, goal.pk]), {"status": "done"}
    )
    goal.refresh_from_db()
    want = expected(who, ACCOUNT)
    if want is None:
        assert response.status_code == 302
        assert goal.status == "done"
    else:
        assert response.status_code == want
        assert goal.status == "planned"


def test_a_plan_of_another_client_is_404_for_the_outsider_only(cast, as_user):
    plan = AccountPlanFactory(client=cast.other_client)
    assert as_user(cast.outsider).get(plan.get_absolute_url()).status_code == 200
    assert as_user(cast.am).get(plan.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("bad", ["999999", "0"])
def test_unknown_plan_ids_are_404(cast, as_user, bad):
    response = as_user(cast.md).get(f"/plans/{bad}/")
    assert response.status_code == 404


def test_finance_sees_no_plans_in_the_list(cast, as_user, draft_plan):
    response = as_user(cast.finance).get(reverse("plans:plan_list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_list_shows_only_plans_of_my_teams(cast, as_user, draft_plan):
    AccountPlanFactory(client=cast.other_client)
    response = as_user(cast.copywriter).get(reverse("plans:plan_list"))
    assert [p.pk for p in response.context["page"]] == [draft_plan.pk]
    response = as_user(cast.md).get(reverse("plans:plan_list"))
    assert len(response.context["page"]) == 2
