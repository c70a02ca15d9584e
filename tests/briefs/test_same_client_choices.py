"""Every related-object choice in the briefs forms belongs to the same client:
a hand-made POST with another client's id is a form error, nothing changed
(issue 10 item 7)."""

import pytest
from django.urls import reverse

from agency.roles import Role
from briefs.models import Brief, HandOff, Job, JobStageTemplate
from briefs.services import ERR_STRATEGY_NOT_APPROVED
from plans.models import AccountPlan
from tests.helpers import unchanged

from ..factories import ContactFactory, MembershipFactory, UserFactory
from ..plans.factories import AccountPlanFactory, StrategyFactory
from .conftest import S
from .test_views import brief_data

pytestmark = pytest.mark.django_db


def _strategy(client, title):
    plan = AccountPlanFactory(client=client, status=AccountPlan.Status.APPROVED)
    return StrategyFactory(plan=plan, title=title)


def _errors(response):
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors


def test_new_brief_refuses_another_clients_strategy(cast, as_user):
    """The crossover is account service on both clients: the unbound form offers
    both clients' strategies, the chosen client's only is accepted."""
    _strategy(cast.client, "Ours")
    theirs = _strategy(cast.other_client, "Theirs")
    response = as_user(cast.crossover).post(
        reverse("briefs:brief_create"),
        {"client": cast.client.pk, "strategy": theirs.pk, **brief_data()},
    )
    assert _errors(response)["strategy"] == [str(ERR_STRATEGY_NOT_APPROVED)]
    assert not Brief.objects.exists()


def test_new_brief_for_a_given_client_refuses_another_clients_strategy(cast, as_user):
    theirs = _strategy(cast.other_client, "Theirs")
    url = reverse("briefs:brief_create") + f"?client={cast.client.pk}"
    response = as_user(cast.am).post(url, {"strategy": theirs.pk, **brief_data()})
    assert "strategy" in _errors(response)
    assert not Brief.objects.exists()


def test_new_brief_refuses_a_client_whose_team_the_author_is_not_on(cast, as_user):
    response = as_user(cast.am).post(
        reverse("briefs:brief_create"), {"client": cast.other_client.pk, **brief_data()}
    )
    assert "client" in _errors(response)
    assert not Brief.objects.exists()


def test_editing_a_brief_refuses_another_clients_strategy(cast, make_brief, as_user):
    ours = _strategy(cast.client, "Ours")
    theirs = _strategy(cast.other_client, "Theirs")
    brief = make_brief(strategy=ours)
    with unchanged(brief):
        response = as_user(cast.am).post(
            reverse("briefs:brief_edit", args=[brief.pk]),
            {"strategy": theirs.pk, **brief_data()},
        )
        assert "strategy" in _errors(response)


def test_agreement_refuses_another_clients_contact(cast, make_brief, as_user):
    brief = make_brief(S.SIGNED)
    stranger = ContactFactory(client=cast.other_client)
    with unchanged(brief):
        response = as_user(cast.am).post(
            reverse("briefs:brief_agreement", args=[brief.pk]),
            {"contact": stranger.pk, "agreed_on": "2026-11-20", "via": "email"},
        )
        assert "contact" in _errors(response)


def test_briefing_refuses_a_creative_of_another_team_and_a_departed_one(cast, make_brief, as_user):
    brief = make_brief(S.PLANNER_REVIEWED)
    elsewhere = UserFactory(username="other-copy", role=Role.CREATIVE)
    MembershipFactory(client=cast.other_client, user=elsewhere, team_role=Role.CREATIVE)
    gone = UserFactory(username="gone-copy", role=Role.CREATIVE, is_active=False)
    MembershipFactory(client=cast.client, user=gone, team_role=Role.CREATIVE)
    url = reverse("briefs:brief_brief", args=[brief.pk])
    for stranger in (elsewhere, gone):
        with unchanged(brief):
            response = as_user(cast.am).post(url, {"creatives": [stranger.pk]})
            assert "creatives" in _errors(response)
    assert not brief.creatives.exists()


@pytest.fixture
def job(cast, work):
    from briefs import services

    template = JobStageTemplate.objects.get(code="print-ad")
    return services.job_create(
        actor=cast.traffic, brief=work.brief, template=template, title="Print ad"
    )


def test_a_new_job_refuses_an_owner_from_another_team(cast, work, as_user):
    template = JobStageTemplate.objects.get(code="print-ad")
    response = as_user(cast.traffic).post(
        reverse("briefs:job_create", args=[work.brief.pk]),
        {"template": template.pk, "title": "Print ad", "owner": cast.outsider.pk},
    )
    assert "owner" in _errors(response)
    assert not Job.objects.exists()


def test_a_stage_refuses_an_owner_from_another_team_or_departed(cast, job, as_user):
    stage = job.stages.order_by("position").first()
    url = reverse("briefs:job_stage_edit", args=[job.pk, stage.pk])
    for stranger in (cast.outsider, cast.departed):
        with unchanged(stage):
            response = as_user(cast.traffic).post(
                url, {"owner": stranger.pk, "due_date": "2026-12-01"}
            )
            assert "owner" in _errors(response)


def test_a_hand_off_refuses_someone_from_another_team(cast, job, as_user):
    with unchanged(job):
        response = as_user(cast.traffic).post(
            reverse("briefs:job_hand_off", args=[job.pk]),
            {"to_user": cast.outsider.pk, "note": "over to you"},
            follow=True,
        )
    assert response.status_code == 200
    assert not HandOff.objects.exists()
    assert "Choose someone on the team." in response.content.decode()


def test_the_services_refuse_a_departed_owner_too(cast, job):
    from briefs import services
    from tests.helpers import assert_refused

    with unchanged(job):
        assert_refused(
            services.job_hand_off,
            services.ERR_OWNER_NOT_ON_TEAM,
            actor=cast.traffic,
            job=job,
            to_user=cast.departed,
        )
