"""briefs.approvers: who may act on a brief now, asked by access, services,
the dashboard and the reminder alike (issue 10 bug 2; issue 18 segregation)."""

import pytest
from django.urls import reverse

from accounts.models import TeamMembership
from agency.models import TimelineEvent
from agency.roles import Role
from briefs import approvers, services
from briefs.approvers import ERR_APPROVER_AGREED, ERR_SIGNER_APPROVED
from briefs.models import Brief
from briefs.providers import dashboard_sections
from briefs.reminders import BriefApprovalWaiting
from briefs.selectors import brief_access_for
from tests.helpers import assert_refused, unchanged

from ..factories import UserFactory
from .conftest import ORDER, S

pytestmark = pytest.mark.django_db


def _deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _section(user, title):
    for section in dashboard_sections(user):
        if section.title == title:
            return [item.url for item in section.items]
    return []


def _reminded(brief):
    rule = BriefApprovalWaiting()
    return set(rule.recipients(brief, rule.occurrence(brief)))


# ---------------------------------------------------------------- the state order


def test_the_state_order_is_the_declared_order_and_written_once():
    assert list(approvers.ORDER) == ORDER
    assert approvers.NEXT[S.STRATEGY_REVIEW] == S.APPROVED
    assert S.CLOSED not in approvers.NEXT
    assert {S.BRIEFED, S.IN_PROGRESS, S.CLOSED} == approvers.BRIEFED_STATES
    assert {
        S.CREATIVE_REVIEW,
        S.STRATEGY_REVIEW,
        S.APPROVED,
        S.CLIENT_AGREED,
    } == approvers.APPROVAL_STATES
    assert Brief(status=S.BRIEFED).is_briefed and not Brief(status=S.SIGNED).is_briefed


def test_the_signed_states_constraint_agrees_with_the_state_order():
    constraint = next(
        c for c in Brief._meta.constraints if c.name == "brief_signed_states_have_signature"
    )
    # ~Q(status__in=[...]) | Q(signed_at__isnull=False)
    negated = constraint.condition.children[0]
    assert set(negated.children[0][1]) == approvers.SIGNED_STATES


# ---------------------------------------------------------------- who is asked


@pytest.mark.parametrize(
    ("status", "who"),
    [
        (S.CREATIVE_REVIEW, "cd"),
        (S.STRATEGY_REVIEW, "ad"),
        (S.APPROVED, "bd"),
        (S.CLIENT_AGREED, "planner"),
    ],
)
def test_each_step_asks_the_team_holder_everywhere(cast, make_brief, status, who):
    brief = make_brief(status)
    person = getattr(cast, who)
    assert approvers.approvers(brief) == [person]
    assert approvers.may_act(person, brief)
    assert _reminded(brief) == {person}
    assert list(approvers.briefs_awaiting(person)) == [brief]
    # Nobody else is asked; the MD is not asked while the team has the role.
    for other in (cast.md, cast.crossover, cast.departed, cast.am, cast.outsider):
        assert brief not in approvers.briefs_awaiting(other)


def test_briefs_awaiting_is_exactly_who_approvers_asks(cast, make_brief):
    """The dashboard's query and the Python list never disagree, whatever the team."""
    briefs = [make_brief(status) for status in approvers.STEPS]
    people = [
        cast.ad,
        cast.am,
        cast.ae,
        cast.cd,
        cast.copywriter,
        cast.planner,
        cast.bd,
        cast.md,
        cast.finance,
        cast.outsider,
        cast.crossover,
        cast.departed,
    ]

    def check():
        for brief in briefs:
            brief.refresh_from_db()
            asked = set(approvers.approvers(brief))
            for user in people:
                user.refresh_from_db()
                awaiting = approvers.briefs_awaiting(user).filter(pk=brief.pk).exists()
                assert awaiting == (user in asked), (brief.status, user.username)
                if user in asked:
                    assert approvers.may_act(user, brief)

    check()
    for user in (cast.ad, cast.bd, cast.planner):
        _deactivate(user)
    check()
    assert approvers.approvers(briefs[1]) == [cast.md]


# ---------------------------------------------------------------- bug 2: offboarding the AD


def test_deactivating_the_only_ad_hands_the_approval_to_the_md(
    cast, make_brief, mailoutbox, django_capture_on_commit_callbacks, as_user
):
    """Issue 10 bug 2: the MD is asked AND may approve; reminded; on their dashboard."""
    _deactivate(cast.ad)  # cast.departed, the other AD on the team, is inactive too
    brief = make_brief(S.CREATIVE_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_creative_review(actor=cast.cd, brief=brief, agree=True)
    assert [m.to for m in mailoutbox] == [[cast.md.email]]
    brief.refresh_from_db()
    assert _reminded(brief) == {cast.md}
    assert brief.get_absolute_url() in _section(cast.md, "Strategies to approve")
    assert brief_access_for(cast.md, brief).can_approve
    page = as_user(cast.md).get(brief.get_absolute_url()).content.decode()
    assert reverse("briefs:brief_approve", args=[brief.pk]) in page
    response = as_user(cast.md).post(reverse("briefs:brief_approve", args=[brief.pk]))
    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.status == S.APPROVED and brief.approved_by == cast.md


def test_with_an_active_ad_on_the_team_the_md_is_not_asked(
    cast, make_brief, mailoutbox, django_capture_on_commit_callbacks, as_user
):
    brief = make_brief(S.CREATIVE_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.brief_creative_review(actor=cast.cd, brief=brief, agree=True)
    assert [m.to for m in mailoutbox] == [[cast.ad.email]]
    brief.refresh_from_db()
    assert _reminded(brief) == {cast.ad}
    assert brief.get_absolute_url() not in _section(cast.md, "Strategies to approve")
    assert brief.get_absolute_url() in _section(cast.ad, "Strategies to approve")
    assert not brief_access_for(cast.md, brief).can_approve
    with unchanged(brief):
        response = as_user(cast.md).post(reverse("briefs:brief_approve", args=[brief.pk]))
    assert response.status_code == 403


def test_the_departed_ad_is_never_asked_nor_allowed(cast, make_brief, as_user):
    brief = make_brief(S.STRATEGY_REVIEW)
    assert cast.departed not in approvers.approvers(brief)
    assert not approvers.may_act(cast.departed, brief)
    assert not approvers.briefs_awaiting(cast.departed).exists()


def test_the_crossover_ad_of_another_client_is_never_asked_here(cast, make_brief, as_user):
    """AD by agency role and on other_client's team, AM on this one: not an approver here."""
    _deactivate(cast.ad)
    brief = make_brief(S.STRATEGY_REVIEW)
    assert approvers.approvers(brief) == [cast.md]
    assert cast.crossover not in _reminded(brief)
    assert not brief_access_for(cast.crossover, brief).can_approve
    assert brief.get_absolute_url() not in _section(cast.crossover, "Strategies to approve")
    with unchanged(brief):
        response = as_user(cast.crossover).post(reverse("briefs:brief_approve", args=[brief.pk]))
    assert response.status_code == 403


def test_an_inactive_planner_hands_the_planner_review_to_the_md(cast, make_brief):
    _deactivate(cast.planner)
    brief = make_brief(S.CLIENT_AGREED)
    assert approvers.approvers(brief) == [cast.md]
    assert brief_access_for(cast.md, brief).can_planner_review
    assert brief.get_absolute_url() in _section(cast.md, "Briefs to review (planner)")


def test_the_creative_review_has_no_md_fallback(cast, make_brief):
    """PERMISSIONS.md: the creative director on team; nobody stands in."""
    brief = make_brief(S.CREATIVE_REVIEW)
    _deactivate(cast.cd)
    assert approvers.approvers(brief) == []
    assert not approvers.may_act(cast.md, brief)


def test_a_brief_cannot_be_submitted_when_the_only_cd_left(cast, make_brief):
    brief = make_brief()
    _deactivate(cast.cd)
    with unchanged(brief):
        assert_refused(
            services.brief_submit, services.ERR_NO_CREATIVE_DIRECTOR, actor=cast.am, brief=brief
        )


# ---------------------------------------------------------------- issue 18: two signatures


def _timeline(brief):
    return TimelineEvent.objects.filter(object_id=brief.pk).count()


def test_whoever_approved_the_strategy_cannot_sign_it(cast, make_brief):
    """Issue 18's reproduction: approved as AD, then set to BD on the team, signs."""
    brief = make_brief(S.APPROVED)
    assert brief.approved_by == cast.ad
    TeamMembership.objects.filter(client=cast.client, user=cast.ad).update(team_role=Role.BD)
    events = _timeline(brief)
    with unchanged(brief):
        assert_refused(services.brief_sign, ERR_SIGNER_APPROVED, actor=cast.ad, brief=brief)
    assert _timeline(brief) == events
    assert not brief_access_for(cast.ad, brief).can_sign
    assert cast.ad not in approvers.approvers(brief)


def test_the_md_who_approved_in_the_ads_place_cannot_also_sign(cast, make_brief, as_user):
    _deactivate(cast.ad)
    brief = make_brief(S.STRATEGY_REVIEW)
    services.brief_approve(actor=cast.md, brief=brief)
    brief.refresh_from_db()
    with unchanged(brief):
        assert_refused(services.brief_sign, ERR_SIGNER_APPROVED, actor=cast.md, brief=brief)
        # Through the page: the refusal is a message, not a 500; nothing changed.
        response = as_user(cast.md).post(reverse("briefs:brief_sign", args=[brief.pk]), follow=True)
        assert str(ERR_SIGNER_APPROVED) in response.content.decode()
    # The BD on the team signs.
    assert approvers.approvers(brief) == [cast.bd]
    services.brief_sign(actor=cast.bd, brief=brief)
    brief.refresh_from_db()
    assert brief.signed_by == cast.bd


def test_without_a_bd_on_the_team_the_agencys_bd_signs_what_the_md_approved(cast, make_brief):
    """Decided: neither the team nor an MD may sign -> the agency's BD (who sees every client)."""
    _deactivate(cast.ad)
    TeamMembership.objects.filter(client=cast.client, user=cast.bd).delete()
    agency_bd = cast.bd
    brief = make_brief(S.STRATEGY_REVIEW)
    services.brief_approve(actor=cast.md, brief=brief)
    brief.refresh_from_db()
    assert approvers.approvers(brief) == [agency_bd]
    assert list(approvers.briefs_awaiting(agency_bd)) == [brief]
    assert not approvers.briefs_awaiting(cast.md).exists()
    assert_refused(services.brief_sign, ERR_SIGNER_APPROVED, actor=cast.md, brief=brief)
    # A second MD may sign instead (and is then the one asked, before the BD).
    other_md = UserFactory(username="md-2", role=Role.MD)
    assert approvers.approvers(brief) == [other_md]
    assert not approvers.may_act(agency_bd, brief)
    services.brief_sign(actor=other_md, brief=brief)


def test_the_creative_director_who_agreed_cannot_approve(cast, make_brief):
    brief = make_brief(S.STRATEGY_REVIEW)
    # The CD then gives themselves the AD's team role (issue 18's reproduction).
    TeamMembership.objects.filter(client=cast.client, user=cast.cd).update(team_role=Role.AD)
    with unchanged(brief):
        assert_refused(services.brief_approve, ERR_APPROVER_AGREED, actor=cast.cd, brief=brief)


def test_an_md_may_sign_while_a_bd_is_on_the_team_but_is_not_asked(cast, make_brief):
    brief = make_brief(S.APPROVED)
    assert approvers.may_act(cast.md, brief)
    assert cast.md not in approvers.approvers(brief)
    services.brief_sign(actor=cast.md, brief=brief)
    assert Brief.objects.get(pk=brief.pk).signed_by == cast.md


def test_the_brief_page_names_who_is_asked_now(cast, make_brief, as_user):
    _deactivate(cast.ad)
    brief = make_brief(S.STRATEGY_REVIEW)
    page = as_user(cast.am).get(brief.get_absolute_url()).content.decode()
    assert 'id="waiting-for"' in page and str(cast.md) in page
    assert str(cast.departed) not in page
