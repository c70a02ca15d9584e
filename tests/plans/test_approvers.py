"""plans.approvers: who may act now on a plan, asked by access, services, dashboard and reminder.

Issue 10 (one source; people who can act) and issue 18 (segregation of duties).
"""

import pytest
from django.urls import reverse

from agency.models import Notification, TimelineEvent
from agency.roles import Role
from plans import approvers, services
from plans.approvers import REVIEW, SIGNOFF, plans_awaiting, waiting_on
from plans.models import AccountPlan, PlanReview
from plans.selectors import plan_access_for_client

from ..factories import MembershipFactory, UserFactory
from ..helpers import assert_refused, unchanged
from .test_views import messages_of


def emailed(mailoutbox) -> set:
    return {address for m in mailoutbox for address in m.to}


def usernames(users) -> set:
    return {u.username for u in users}


def snapshot():
    return (
        list(AccountPlan.objects.order_by("pk").values()),
        list(PlanReview.objects.order_by("pk").values()),
        TimelineEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def second_md(db):
    return UserFactory(username="cast-md2", full_name="Cast md2", role=Role.MD)


def set_team_role(cast, user, role):
    cast.client.memberships.filter(user=user).update(team_role=role)


# ------------------------------------------------------------ who is waited on


def test_a_submitted_plan_waits_on_the_bd_and_the_cd_of_this_team(cast, submitted_plan):
    stage, since, people = waiting_on(submitted_plan)
    assert (stage, since) == (REVIEW, submitted_plan.submitted_at)
    assert usernames(people) == {"cast-bd", "cast-cd"}


def test_once_everyone_agreed_the_plan_waits_on_the_md(cast, agreed_plan):
    stage, since, people = waiting_on(agreed_plan)
    assert stage == SIGNOFF
    assert since == agreed_plan.reviews.order_by("created_at").last().created_at
    assert usernames(people) == {"cast-md"}


def test_a_draft_or_approved_plan_waits_on_nobody(cast, draft_plan, approved_plan):
    assert waiting_on(draft_plan) == (None, None, [])
    assert waiting_on(approved_plan) == (None, None, [])


def test_a_role_held_on_another_clients_team_never_counts_here(cast, submitted_plan):
    # given: an AM here who is BD and CD... on another client's team
    crossing = UserFactory(username="cross-bd", role=Role.BD)
    MembershipFactory(client=cast.client, user=crossing, team_role=Role.AM)
    MembershipFactory(client=cast.other_client, user=crossing, team_role=Role.BD)
    assert "cross-bd" not in usernames(waiting_on(submitted_plan).people)
    assert not plan_access_for_client(crossing, cast.client).can_review
    assert plans_awaiting(crossing) == []
    assert approvers.review_roles(cast.crossover, cast.client) == ()


def test_an_inactive_bd_on_the_team_makes_the_md_the_business_reviewer(cast, draft_plan):
    cast.bd.is_active = False
    cast.bd.save()
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    assert usernames(waiting_on(plan).people) == {"cast-md", "cast-cd"}
    assert approvers.review_roles(cast.md, cast.client) == (approvers.BUSINESS,)
    assert plans_awaiting(cast.md, REVIEW) == [plan]


def test_plans_awaiting_names_exactly_who_waiting_on_names(cast, second_md):
    """The dashboard's bulk read and the per-plan rule never disagree."""
    from .factories import complete_plan

    # given: plans in every situation, on this client and another
    MembershipFactory(client=cast.other_client, user=cast.cd, team_role=Role.CREATIVE_DIRECTOR)
    plain = services.plan_submit(actor=cast.am, plan=complete_plan(cast.client, year=2027))
    half = services.plan_submit(actor=cast.am, plan=complete_plan(cast.client, year=2028))
    services.plan_review(actor=cast.bd, plan=half, decision="agree")
    agreed = services.plan_submit(actor=cast.am, plan=complete_plan(cast.client, year=2029))
    services.plan_review(actor=cast.bd, plan=agreed, decision="agree")
    services.plan_review(actor=cast.cd, plan=agreed, decision="agree")
    no_bd = services.plan_submit(
        actor=cast.outsider, plan=complete_plan(cast.other_client, year=2027)
    )
    plans = [plain, half, agreed, no_bd]
    everyone = [
        getattr(cast, k)
        for k in ["ad", "am", "ae", "cd", "copywriter", "bd", "md", "finance", "outsider"]
    ] + [cast.crossover, second_md]
    for user in everyone:
        expected = {
            p.pk
            for p in plans
            if any(u.pk == user.pk for u in waiting_on(AccountPlan.objects.get(pk=p.pk)).people)
        }
        assert {p.pk for p in plans_awaiting(user)} == expected, user.username
    assert {p.pk for p in plans_awaiting(cast.md)} == {agreed.pk, no_bd.pk}
    assert {p.pk for p in plans_awaiting(cast.cd)} == {plain.pk, half.pk, no_bd.pk}


def test_the_dashboard_reads_plans_awaiting_in_a_fixed_number_of_queries(
    cast, django_assert_max_num_queries
):
    from .factories import complete_plan

    for year in range(2027, 2032):
        plan = services.plan_submit(actor=cast.am, plan=complete_plan(cast.client, year=year))
        services.plan_review(actor=cast.bd, plan=plan, decision="agree")
    with django_assert_max_num_queries(4):
        assert len(plans_awaiting(cast.md)) == 0
    with django_assert_max_num_queries(4):
        assert len(plans_awaiting(cast.cd)) == 5


# ------------------------------------------------------------ who is told


def test_an_objection_tells_the_author_and_the_lead_not_the_whole_team(
    cast, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    # given: the AE submitted; the AM leads; the crossover member is AM here (AD elsewhere)
    plan = services.plan_submit(actor=cast.ae, plan=draft_plan)
    mailoutbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(actor=cast.cd, plan=plan, decision="object", comment="创意资源不足")
    # then: back to draft, and only the people who act next are told
    plan.refresh_from_db()
    assert plan.status == AccountPlan.Status.DRAFT
    assert emailed(mailoutbox) == {cast.ae.email, cast.am.email}
    assert cast.crossover.email not in emailed(mailoutbox)
    assert cast.ad.email not in emailed(mailoutbox)


def test_a_return_tells_the_author_and_the_lead_not_the_creatives(
    cast, submitted_plan, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_return(actor=cast.md, plan=submitted_plan, reason="利润率太低")
    assert emailed(mailoutbox) == {cast.am.email}  # the AM submitted and leads
    assert "returned by the MD" in mailoutbox[0].subject


def test_an_author_who_left_the_team_is_not_told_the_lead_is(
    cast, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    plan = services.plan_submit(actor=cast.ae, plan=draft_plan)
    cast.ae.is_active = False
    cast.ae.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_return(actor=cast.md, plan=plan, reason="请补充预算")
    assert emailed(mailoutbox) == {cast.am.email}


def test_the_crossover_member_is_never_emailed_about_the_workflow(
    cast, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_submit(actor=cast.am, plan=draft_plan)
        services.plan_review(actor=cast.bd, plan=plan, decision="object", comment="预算偏高")
        plan = services.plan_submit(actor=cast.am, plan=plan)
        services.plan_return(actor=cast.md, plan=plan, reason="利润率太低")
    assert mailoutbox
    assert cast.crossover.email not in emailed(mailoutbox)
    assert cast.departed.email not in emailed(mailoutbox)


def test_with_an_inactive_bd_the_md_is_asked_and_may_review_through_the_page(
    cast, as_user, draft_plan, mailoutbox, django_capture_on_commit_callbacks
):
    cast.bd.is_active = False
    cast.bd.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    assert emailed(mailoutbox) == {cast.md.email, cast.cd.email}
    c = as_user(cast.md)
    assert c.get(plan.get_absolute_url()).context["may_review"]
    response = c.post(reverse("plans:plan_review", args=[plan.pk]), {"decision": "agree"})
    assert response.status_code == 302
    review = PlanReview.objects.get()
    assert (review.reviewer, review.role) == (cast.md, approvers.BUSINESS)


def test_when_all_agreed_the_md_is_asked_to_sign_off(
    cast, submitted_plan, second_md, mailoutbox, django_capture_on_commit_callbacks
):
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_review(actor=cast.cd, plan=submitted_plan, decision="agree")
    assert emailed(mailoutbox) == {cast.md.email, second_md.email}


# ------------------------------------------------------------ segregation of duties


def test_the_author_cannot_record_the_bds_agreement_even_as_bd_on_the_team(cast, submitted_plan):
    # given: the AM who submitted gives themselves the BD team role (issue 18's reproduction)
    set_team_role(cast, cast.am, Role.BD)
    assert plan_access_for_client(cast.am, cast.client).can_review
    # when / then
    before = snapshot()
    with unchanged(submitted_plan):
        assert_refused(
            services.plan_review,
            services.ERR_AUTHOR_REVIEWS,
            actor=cast.am,
            plan=submitted_plan,
            decision="agree",
        )
    assert snapshot() == before
    assert not approvers.may_review(cast.am, submitted_plan)
    assert cast.am not in waiting_on(submitted_plan).people


def test_the_author_cannot_object_either(cast, submitted_plan):
    set_team_role(cast, cast.am, Role.CREATIVE_DIRECTOR)
    before = snapshot()
    assert_refused(
        services.plan_review,
        services.ERR_AUTHOR_REVIEWS,
        actor=cast.am,
        plan=submitted_plan,
        decision="object",
        comment="自己反对",
    )
    assert snapshot() == before


def test_who_started_the_revision_cannot_review_it_either(cast, draft_plan):
    # given: the AE wrote the plan, the AM submitted it, then the AE turned CD on the team
    draft_plan.created_by = cast.ae
    draft_plan.save()
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    set_team_role(cast, cast.ae, Role.CREATIVE_DIRECTOR)
    before = snapshot()
    assert_refused(
        services.plan_review,
        services.ERR_AUTHOR_REVIEWS,
        actor=cast.ae,
        plan=plan,
        decision="agree",
    )
    assert snapshot() == before


def test_the_authors_review_through_the_page_is_a_message_and_nothing_changes(
    cast, as_user, submitted_plan
):
    set_team_role(cast, cast.am, Role.BD)
    c = as_user(cast.am)
    assert not c.get(submitted_plan.get_absolute_url()).context["may_review"]
    before = snapshot()
    response = c.post(
        reverse("plans:plan_review", args=[submitted_plan.pk]), {"decision": "agree"}, follow=True
    )
    assert str(services.ERR_AUTHOR_REVIEWS) in messages_of(response)
    assert snapshot() == before


def test_one_person_gives_one_review_of_a_submission(cast, draft_plan, second_md):
    # given: no BD on the team, and the MD is the team's creative director:
    # the MD holds the creative review and the business fallback
    cast.client.memberships.filter(user__in=[cast.bd, cast.cd]).delete()
    MembershipFactory(client=cast.client, user=cast.md, team_role=Role.CREATIVE_DIRECTOR)
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    assert approvers.review_roles(cast.md, cast.client) == (
        approvers.CREATIVE,
        approvers.BUSINESS,
    )
    # when: the MD reviews, it is one review (as the CD, their team role)
    services.plan_review(actor=cast.md, plan=plan, decision="agree")
    assert list(PlanReview.objects.values_list("reviewer__username", "role")) == [
        ("cast-md", approvers.CREATIVE)
    ]
    # then: the MD cannot also give the business review...
    before = snapshot()
    assert_refused(
        services.plan_review,
        services.ERR_SECOND_REVIEW,
        actor=cast.md,
        plan=plan,
        decision="agree",
    )
    assert snapshot() == before
    assert usernames(waiting_on(plan).people) == {"cast-md2"}
    # ...another MD does, and then the plan may be signed off
    services.plan_review(actor=second_md, plan=plan, decision="agree")
    assert services.plan_all_agreed(plan)
    services.plan_sign_off(actor=cast.md, plan=plan)
    plan.refresh_from_db()
    assert plan.status == AccountPlan.Status.APPROVED


def test_a_review_someone_else_gave_is_refused_as_given(cast, submitted_plan, second_md):
    cast.client.memberships.filter(user=cast.bd).delete()
    services.plan_review(actor=cast.md, plan=submitted_plan, decision="agree")
    before = snapshot()
    assert_refused(
        services.plan_review,
        services.ERR_REVIEW_GIVEN,
        actor=second_md,
        plan=submitted_plan,
        decision="agree",
    )
    assert snapshot() == before


def test_a_reviewer_reviewing_twice_is_refused_as_already_reviewed(cast, submitted_plan):
    services.plan_review(actor=cast.cd, plan=submitted_plan, decision="agree")
    before = snapshot()
    assert_refused(
        services.plan_review,
        services.ERR_ALREADY_REVIEWED,
        actor=cast.cd,
        plan=submitted_plan,
        decision="agree",
    )
    assert snapshot() == before


def test_the_md_who_reviewed_as_the_business_fallback_may_still_sign_off(cast, draft_plan):
    """The handbook's small-team case: no BD on the team, the MD agrees and signs off."""
    cast.client.memberships.filter(user=cast.bd).delete()
    plan = services.plan_submit(actor=cast.am, plan=draft_plan)
    services.plan_review(actor=cast.md, plan=plan, decision="agree")
    services.plan_review(actor=cast.cd, plan=plan, decision="agree")
    assert approvers.may_sign_off(cast.md, plan)
    plan = services.plan_sign_off(actor=cast.md, plan=plan)
    assert plan.status == AccountPlan.Status.APPROVED
    assert plan.signed_off_by == cast.md


def test_the_author_cannot_sign_off_their_own_plan(cast, draft_plan, second_md, as_user):
    # given: an MD on the team as AM wrote and submitted the plan; the reviewers agreed
    MembershipFactory(client=cast.client, user=cast.md, team_role=Role.AM)
    plan = services.plan_submit(actor=cast.md, plan=draft_plan)
    services.plan_review(actor=cast.bd, plan=plan, decision="agree")
    services.plan_review(actor=cast.cd, plan=plan, decision="agree")
    assert usernames(waiting_on(plan).people) == {"cast-md2"}
    # when / then
    before = snapshot()
    assert_refused(services.plan_sign_off, services.ERR_AUTHOR_SIGNS_OFF, actor=cast.md, plan=plan)
    assert snapshot() == before
    page = as_user(cast.md).get(plan.get_absolute_url())
    assert not page.context["may_sign_off"]
    assert str(services.ERR_AUTHOR_SIGNS_OFF) in page.content.decode()
    # another MD signs it off
    assert services.plan_sign_off(actor=second_md, plan=plan).status == "approved"


def test_sign_off_before_everyone_agreed_is_refused_with_its_own_error(cast, submitted_plan):
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree")
    before = snapshot()
    assert_refused(
        services.plan_sign_off, services.ERR_NOT_ALL_AGREED, actor=cast.md, plan=submitted_plan
    )
    assert snapshot() == before


@pytest.mark.parametrize("action", ["plan_review", "plan_sign_off", "plan_return"])
def test_the_crossover_member_may_not_review_or_sign_off_here(
    cast, as_user, submitted_plan, action
):
    """AD by agency role and on another client's team, AM on this one: 403, nothing changed."""
    before = snapshot()
    response = as_user(cast.crossover).post(
        reverse(f"plans:{action}", args=[submitted_plan.pk]),
        {"decision": "agree", "reason": "x", "comment": "x"},
    )
    assert response.status_code == 403
    assert snapshot() == before
