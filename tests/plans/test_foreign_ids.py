"""Every related-object choice of the plan form is limited to this plan and this
client; a hand-made POST with another client's id is a form error, nothing changed."""

from django.urls import reverse

from agency.roles import Role
from plans.forms import ERR_ROW_GONE
from plans.models import AccountPlan, Activity, PhaseGoal, Strategy

from ..factories import MembershipFactory, UserFactory
from .factories import complete_plan
from .test_views import management, plan_post


def rows_snapshot():
    return (
        list(AccountPlan.objects.order_by("pk").values()),
        list(PhaseGoal.objects.order_by("pk").values()),
        list(Strategy.objects.order_by("pk").values()),
        list(Strategy.phase_goals.through.objects.order_by("pk").values()),
        list(Activity.objects.order_by("pk").values()),
    )


def activity_row(owner_pk, **extra):
    return {
        "activities-0-what": "样板间开放",
        "activities-0-owner": owner_pk,
        "activities-0-quarter": "1",
        "activities-0-budget": "1",
        "activities-0-account_hours": "0",
        "activities-0-creative_hours": "0",
        "activities-0-planner_hours": "0",
        "activities-0-media_hours": "0",
        **extra,
    }


def post_edit(c, plan, data):
    return c.post(reverse("plans:plan_edit", args=[plan.pk]), data)


def test_the_owner_choices_are_this_clients_active_team(cast, as_user, draft_plan):
    page = as_user(cast.am).get(reverse("plans:plan_edit", args=[draft_plan.pk]))
    owner = page.context["activities"].forms[0].fields["owner"]
    names = {str(label) for _pk, label in owner.choices if _pk}
    assert "Cast ae" in names and "Cast crossover" in names  # the crossover is AM here
    assert "Cast outsider" not in names  # another client's team
    assert "Cast departed" not in names  # inactive
    assert "Cast md" not in names  # not on the team


def test_an_owner_from_another_clients_team_is_a_form_error(cast, as_user, draft_plan):
    stranger = UserFactory(username="other-ae", role=Role.AE)
    MembershipFactory(client=cast.other_client, user=stranger, team_role=Role.AE)
    before = rows_snapshot()
    for who in (stranger, cast.outsider, cast.departed):
        response = post_edit(
            as_user(cast.am),
            draft_plan,
            plan_post(
                draft_plan,
                annual_goals="changed",
                **management("activities", 1),
                **activity_row(who.pk),
            ),
        )
        assert response.status_code == 200
        assert response.context["activities"].forms[0].errors["owner"]
        assert rows_snapshot() == before


def test_a_phase_goal_of_another_clients_plan_cannot_be_linked(cast, as_user, draft_plan):
    other = complete_plan(cast.other_client)
    foreign_goal = other.phase_goals.first()
    strategy = draft_plan.strategies.get()
    before = rows_snapshot()
    response = post_edit(
        as_user(cast.am),
        draft_plan,
        plan_post(
            draft_plan,
            annual_goals="changed",
            **management("strategies", 1, 1),
            **{
                "strategies-0-id": strategy.pk,
                "strategies-0-title": strategy.title,
                "strategies-0-phase_goals": [foreign_goal.pk],
            },
        ),
    )
    assert response.status_code == 200
    assert response.context["strategies"].forms[0].errors["phase_goals"]
    assert rows_snapshot() == before


def test_a_row_id_of_another_clients_plan_is_a_form_error(cast, as_user, draft_plan):
    # given: the id of another client's strategy, posted as an existing row of this plan
    other = complete_plan(cast.other_client)
    foreign = other.strategies.get()
    before = rows_snapshot()
    # when
    response = post_edit(
        as_user(cast.am),
        draft_plan,
        plan_post(
            draft_plan,
            annual_goals="changed",
            **management("strategies", 1, 1),
            **{"strategies-0-id": foreign.pk, "strategies-0-title": "偷梁换柱"},
        ),
    )
    # then: refused on the row, nothing changed here or there
    assert response.status_code == 200
    assert str(ERR_ROW_GONE) in response.content.decode()
    assert rows_snapshot() == before
