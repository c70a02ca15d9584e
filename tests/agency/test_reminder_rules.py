"""Each rule of DESIGN.md "Reminders": the right moment (not before, not after),
the right people. Dates: 2 March 2026 is a Monday."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from agency.models import Notification
from agency.reminders import sweep
from billing.models import Invoice
from briefs.models import Brief
from plans.models import AccountPlan, PlanReview

from ..factories import MembershipFactory, UserFactory
from .factories import (
    InvoiceFactory,
    action_item,
    aware,
    meeting,
    presentation_meeting,
    rehearsal,
    requested_invoice,
)


@pytest.fixture
def at(sent_to):
    """at(moment, kind) -> {username: [subjects]} of reminders of that kind sent by a sweep then."""

    def run(moment, kind):
        before = {u: len(s) for u, s in sent_to(kind).items()}
        with time_machine.travel(moment, tick=False):
            sweep()
        after = sent_to(kind)
        return {u: s[before.get(u, 0) :] for u, s in after.items() if len(s) > before.get(u, 0)}

    return run


def names(sent):
    return set(sent)


# Invoice: requested, not issued --------------------------------------------------


def test_requested_invoice_reminds_finance_after_one_business_day_then_daily(cast, at):
    invoice = requested_invoice(cast.client, cast.am, aware(2026, 3, 2, 10, 0))  # Monday
    assert at(aware(2026, 3, 2, 18, 0), "invoice_not_issued") == {}
    assert at(aware(2026, 3, 3, 9, 59), "invoice_not_issued") == {}
    assert names(at(aware(2026, 3, 3, 10, 0), "invoice_not_issued")) == {"cast-finance"}
    assert at(aware(2026, 3, 3, 17, 0), "invoice_not_issued") == {}  # once that day
    assert names(at(aware(2026, 3, 4, 8, 0), "invoice_not_issued")) == {"cast-finance"}
    # issued: no more
    invoice.status = Invoice.Status.ISSUED
    invoice.number, invoice.number_year, invoice.number_seq = "T-issued", 2026, 999
    invoice.issue_date, invoice.due_date = dt.date(2026, 3, 4), dt.date(2026, 4, 3)
    invoice.save()
    assert at(aware(2026, 3, 5, 9, 0), "invoice_not_issued") == {}


def test_requested_on_friday_reminds_finance_on_monday_not_at_the_weekend(cast, at):
    requested_invoice(cast.client, cast.am, aware(2026, 3, 6, 15, 0))  # Friday
    assert at(aware(2026, 3, 7, 15, 0), "invoice_not_issued") == {}  # Saturday
    assert at(aware(2026, 3, 8, 15, 0), "invoice_not_issued") == {}  # Sunday
    assert at(aware(2026, 3, 9, 14, 59), "invoice_not_issued") == {}
    assert names(at(aware(2026, 3, 9, 15, 0), "invoice_not_issued")) == {"cast-finance"}


def test_the_subject_says_which_client_and_amount(cast, at):
    requested_invoice(cast.client, cast.am, aware(2026, 3, 2, 10, 0))
    sent = at(aware(2026, 3, 3, 10, 0), "invoice_not_issued")
    assert sent["cast-finance"] == ["Invoice requested, not issued yet: Huayuan, 10600.00"]


# Invoice: due soon ----------------------------------------------------------------


def test_invoice_due_soon_reminds_the_lead_three_days_before(cast, at):
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 20))
    assert at(aware(2026, 3, 16, 23, 59), "invoice_due_soon") == {}
    assert names(at(aware(2026, 3, 17, 0, 0), "invoice_due_soon")) == {"cast-am"}
    assert at(aware(2026, 3, 18, 9, 0), "invoice_due_soon") == {}
    assert at(aware(2026, 3, 20, 9, 0), "invoice_due_soon") == {}


def test_invoice_due_soon_is_not_sent_on_or_after_the_due_date(cast, at):
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 20))
    assert at(aware(2026, 3, 20, 9, 0), "invoice_due_soon") == {}


def test_a_paid_invoice_gets_no_reminder(cast, at):
    InvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        due_date=dt.date(2026, 3, 1),
        status=Invoice.Status.PAID,
        amount_paid=Decimal("10600.00"),
    )
    assert at(aware(2026, 3, 2, 9, 0), "invoice_overdue") == {}
    assert at(aware(2026, 3, 31, 9, 0), "invoice_overdue") == {}


# Invoice: the overdue ladder --------------------------------------------------------


LADDER = [
    (1, {"cast-am"}),
    (15, {"cast-am"}),
    (30, {"cast-am", "cast-ad"}),
    (60, {"cast-am", "cast-ad", "cast-md", "cast-finance"}),
]


@pytest.mark.parametrize(("days", "expected"), LADDER)
def test_the_overdue_ladder_escalates(cast, at, days, expected):
    due = dt.date(2026, 3, 1)
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=due)
    moment = aware(2026, 3, 1, 9, 0) + dt.timedelta(days=days)
    assert at(moment - dt.timedelta(days=1), "invoice_overdue") == {}  # not before
    assert names(at(moment, "invoice_overdue")) == expected


def test_an_overdue_step_starts_at_shanghai_midnight_not_utc_midnight(cast, at):
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
    # 1 March 23:59 in Shanghai is still the due date; 2 March 00:00 in Shanghai is
    # day 1 although UTC still reads 1 March (16:00).
    assert at(aware(2026, 3, 1, 23, 59), "invoice_overdue") == {}
    assert names(at(aware(2026, 3, 2, 0, 0), "invoice_overdue")) == {"cast-am"}


def test_the_overdue_ladder_walked_day_by_day_sends_four_steps(cast, at):
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
    log = {}
    for day in range(0, 75):
        sent = at(aware(2026, 3, 1, 9, 0) + dt.timedelta(days=day), "invoice_overdue")
        if sent:
            log[day] = names(sent)
    assert log == dict(LADDER)


def test_the_day_30_email_says_it_is_escalated(cast, at):
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
    sent = at(aware(2026, 3, 31, 9, 0), "invoice_overdue")
    assert sent["cast-ad"][0].endswith("(Huayuan) is 30 days overdue")
    row = Notification.objects.get(recipient=cast.ad)
    assert "Escalated to the account lead and the AD" in row.body_text
    assert row.url.endswith(f"/billing/invoices/{row.object_id}/")


def test_a_missed_step_is_caught_up_within_two_days_but_not_later(cast, at):
    InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
    # the sweep was down on day 30 and day 31: day 32 still sends the day-30 step
    assert names(at(aware(2026, 4, 2, 9, 0), "invoice_overdue")) == {"cast-am", "cast-ad"}
    other = InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
    other.due_date = dt.date(2026, 2, 28)  # day 33 on 2 April
    other.issue_date = dt.date(2026, 2, 1)
    other.save()
    assert at(aware(2026, 4, 2, 10, 0), "invoice_overdue") == {}


# Presentations and rehearsals -------------------------------------------------------

PRESENTATION = aware(2026, 3, 20, 10, 0)


def test_presentation_without_rehearsal_reminds_lead_and_presenters_48h_and_24h_before(cast, at):
    presentation_meeting(cast.client, cast.ae, PRESENTATION, presenters=[cast.ae, cast.cd])
    kind = "presentation_not_rehearsed"
    who = {"cast-am", "cast-ae", "cast-cd"}
    assert at(PRESENTATION - dt.timedelta(hours=48, minutes=1), kind) == {}
    assert names(at(PRESENTATION - dt.timedelta(hours=48), kind)) == who
    assert at(PRESENTATION - dt.timedelta(hours=25), kind) == {}
    assert names(at(PRESENTATION - dt.timedelta(hours=24), kind)) == who
    assert at(PRESENTATION - dt.timedelta(hours=1), kind) == {}
    assert at(PRESENTATION + dt.timedelta(minutes=5), kind) == {}


def test_a_held_rehearsal_silences_the_presentation_reminder(cast, at):
    m = presentation_meeting(cast.client, cast.ae, PRESENTATION, presenters=[cast.ae])
    rehearsal(m, cast.ae, PRESENTATION - dt.timedelta(days=3), held_at=aware(2026, 3, 17, 11, 0))
    assert at(PRESENTATION - dt.timedelta(hours=47), "presentation_not_rehearsed") == {}
    assert at(PRESENTATION - dt.timedelta(hours=23), "presentation_not_rehearsed") == {}


def test_a_planned_but_not_held_rehearsal_does_not_silence_it(cast, at):
    m = presentation_meeting(cast.client, cast.ae, PRESENTATION, presenters=[cast.ae])
    rehearsal(m, cast.ae, PRESENTATION - dt.timedelta(hours=20))
    sent = at(PRESENTATION - dt.timedelta(hours=47), "presentation_not_rehearsed")
    assert names(sent) == {"cast-am", "cast-ae"}


def test_rehearsal_reminds_its_attendees_24h_and_1h_before(cast, at):
    m = presentation_meeting(cast.client, cast.ae, PRESENTATION, presenters=[cast.ae])
    start = aware(2026, 3, 19, 15, 0)
    rehearsal(m, cast.ae, start, attendees=[cast.ae, cast.copywriter])
    kind = "rehearsal_upcoming"
    who = {"cast-ae", "cast-copywriter"}
    assert at(start - dt.timedelta(hours=24, minutes=1), kind) == {}
    assert names(at(start - dt.timedelta(hours=24), kind)) == who
    assert at(start - dt.timedelta(hours=2), kind) == {}
    assert names(at(start - dt.timedelta(hours=1), kind)) == who
    assert at(start - dt.timedelta(minutes=30), kind) == {}
    assert at(start + dt.timedelta(minutes=1), kind) == {}


def test_a_cancelled_rehearsal_is_not_reminded(cast, at):
    m = presentation_meeting(cast.client, cast.ae, PRESENTATION)
    start = aware(2026, 3, 19, 15, 0)
    rehearsal(m, cast.ae, start, attendees=[cast.ae], status="cancelled")
    assert at(start - dt.timedelta(hours=1), "rehearsal_upcoming") == {}


# Agenda ----------------------------------------------------------------------------


def test_agenda_not_sent_reminds_the_organiser_24h_before(cast, at):
    start = aware(2026, 3, 20, 10, 0)
    meeting(cast.client, cast.ae, start)
    kind = "agenda_not_sent"
    assert at(start - dt.timedelta(hours=24, minutes=1), kind) == {}
    assert names(at(start - dt.timedelta(hours=24), kind)) == {"cast-ae"}
    assert at(start - dt.timedelta(hours=2), kind) == {}
    assert at(start + dt.timedelta(hours=1), kind) == {}


def test_a_rehearsal_has_no_agenda_reminder(cast, at):
    m = presentation_meeting(cast.client, cast.ae, aware(2026, 3, 21, 10, 0))
    start = aware(2026, 3, 20, 10, 0)
    rehearsal(m, cast.ae, start, attendees=[cast.ae])
    assert at(start - dt.timedelta(hours=20), "agenda_not_sent") == {}


def test_an_agenda_already_sent_silences_the_reminder(cast, at):
    start = aware(2026, 3, 20, 10, 0)
    meeting(cast.client, cast.ae, start, agenda_sent_at=aware(2026, 3, 18, 9, 0))
    assert at(start - dt.timedelta(hours=20), "agenda_not_sent") == {}


# Action items ----------------------------------------------------------------------


def test_action_item_reminds_its_owner_the_day_before_and_the_day_after(cast, at):
    m = meeting(cast.client, cast.am, aware(2026, 3, 10, 10, 0), status="held")
    action_item(m, cast.ae, dt.date(2026, 3, 20))
    kind = "action_item"
    assert at(aware(2026, 3, 18, 23, 59), kind) == {}
    sent = at(aware(2026, 3, 19, 0, 0), kind)
    assert names(sent) == {"cast-ae"}
    assert sent["cast-ae"][0].startswith("Action item due tomorrow")
    assert at(aware(2026, 3, 20, 9, 0), kind) == {}
    sent = at(aware(2026, 3, 21, 9, 0), kind)
    assert sent["cast-ae"][0].startswith("Action item overdue")
    assert at(aware(2026, 3, 22, 9, 0), kind) == {}


def test_a_done_action_item_is_not_reminded(cast, at):
    m = meeting(cast.client, cast.am, aware(2026, 3, 10, 10, 0), status="held")
    action_item(m, cast.ae, dt.date(2026, 3, 20), done_at=aware(2026, 3, 18, 9, 0))
    assert at(aware(2026, 3, 19, 9, 0), "action_item") == {}
    assert at(aware(2026, 3, 21, 9, 0), "action_item") == {}


# Approvals: plans ------------------------------------------------------------------


def submitted_plan(cast, at_moment):
    return AccountPlan.objects.create(
        client=cast.client,
        year=2026,
        status=AccountPlan.Status.SUBMITTED,
        submitted_by=cast.am,
        submitted_at=at_moment,
        review_round=1,
        created_by=cast.am,
    )


def test_a_submitted_plan_reminds_its_reviewers_after_two_business_days(cast, at):
    submitted_plan(cast, aware(2026, 3, 2, 10, 0))  # Monday
    kind = "plan_approval_waiting"
    assert at(aware(2026, 3, 4, 9, 59), kind) == {}
    assert names(at(aware(2026, 3, 4, 10, 0), kind)) == {"cast-bd", "cast-cd"}
    assert at(aware(2026, 3, 5, 10, 0), kind) == {}


def test_plan_reminds_only_the_reviewer_still_missing_then_the_md_for_sign_off(cast, at):
    plan = submitted_plan(cast, aware(2026, 3, 5, 10, 0))  # Thursday
    with time_machine.travel(aware(2026, 3, 5, 12, 0), tick=False):
        PlanReview.objects.create(
            plan=plan, reviewer=cast.bd, role="business", decision="agree", round=1
        )
    kind = "plan_approval_waiting"
    assert at(aware(2026, 3, 7, 10, 0), kind) == {}  # Saturday
    assert names(at(aware(2026, 3, 9, 10, 0), kind)) == {"cast-cd"}  # Monday
    with time_machine.travel(aware(2026, 3, 9, 15, 0), tick=False):
        PlanReview.objects.create(
            plan=plan, reviewer=cast.cd, role="creative", decision="agree", round=1
        )
    assert at(aware(2026, 3, 11, 14, 59), kind) == {}
    sent = at(aware(2026, 3, 11, 15, 0), kind)
    assert names(sent) == {"cast-md"}
    assert sent["cast-md"][0].startswith("Waiting for your sign-off")


def test_an_inactive_bd_on_the_team_leaves_the_plan_reminder_to_the_md(cast, at):
    # given: the BD left the agency but is still listed on the team
    cast.bd.is_active = False
    cast.bd.save()
    submitted_plan(cast, aware(2026, 3, 2, 10, 0))  # Monday
    # then: the MD, who reviews in the BD's stead, is reminded with the CD
    assert names(at(aware(2026, 3, 4, 10, 0), "plan_approval_waiting")) == {"cast-md", "cast-cd"}


def test_a_cd_on_another_clients_team_is_never_reminded_of_this_plan(cast, at):
    # given: the crossover member (AM here) and a CD of another client only
    other_cd = UserFactory(username="other-cd", role="cd")
    MembershipFactory(client=cast.other_client, user=other_cd, team_role="cd")
    MembershipFactory(client=cast.client, user=other_cd, team_role="creative")
    submitted_plan(cast, aware(2026, 3, 2, 10, 0))
    sent = at(aware(2026, 3, 4, 10, 0), "plan_approval_waiting")
    assert names(sent) == {"cast-bd", "cast-cd"}


def test_the_plans_author_is_not_reminded_to_review_it(cast, at):
    # given: the AM who submitted gave themselves the BD team role
    cast.client.memberships.filter(user=cast.am).update(team_role="bd")
    submitted_plan(cast, aware(2026, 3, 2, 10, 0))
    assert names(at(aware(2026, 3, 4, 10, 0), "plan_approval_waiting")) == {"cast-bd", "cast-cd"}


# Approvals: briefs -----------------------------------------------------------------


def brief_at(cast, status, **stamps):
    return Brief.objects.create(
        client=cast.client,
        title="Phase II launch",
        client_problem="Low awareness of the district",
        target_audience="First-time buyers",
        proposition="Ten minutes to everything",
        deliverables="Print, outdoor",
        author=cast.am,
        status=status,
        **stamps,
    )


@pytest.mark.parametrize(
    ("status", "stamp", "approver"),
    [
        (Brief.Status.CREATIVE_REVIEW, "submitted_at", "cast-cd"),
        (Brief.Status.STRATEGY_REVIEW, "creative_agreed_at", "cast-ad"),
        (Brief.Status.APPROVED, "approved_at", "cast-bd"),
        (Brief.Status.CLIENT_AGREED, "client_agreed_at", "cast-planner"),
    ],
)
def test_a_brief_waiting_two_business_days_reminds_the_approver(cast, at, status, stamp, approver):
    extra = {"signed_at": aware(2026, 3, 1, 9, 0)} if status == Brief.Status.CLIENT_AGREED else {}
    brief_at(cast, status, **{stamp: aware(2026, 3, 2, 10, 0)}, **extra)
    kind = "brief_approval_waiting"
    assert at(aware(2026, 3, 4, 9, 59), kind) == {}
    assert names(at(aware(2026, 3, 4, 10, 0), kind)) == {approver}
    assert at(aware(2026, 3, 6, 10, 0), kind) == {}


def test_a_brief_without_an_ad_on_the_team_reminds_the_md(db, at):
    from ..factories import ClientFactory

    client = ClientFactory(short_name="NoAD")
    am = UserFactory(username="solo-am", role="am")
    MembershipFactory(client=client, user=am, is_lead=True)
    UserFactory(username="the-md", role="md")
    Brief.objects.create(
        client=client,
        title="t",
        client_problem="p",
        target_audience="a",
        proposition="x",
        deliverables="d",
        author=am,
        status=Brief.Status.STRATEGY_REVIEW,
        creative_agreed_at=aware(2026, 3, 2, 10, 0),
    )
    assert names(at(aware(2026, 3, 4, 10, 0), "brief_approval_waiting")) == {"the-md"}


def test_a_brief_sent_back_and_resubmitted_waits_afresh(cast, at):
    brief = brief_at(cast, Brief.Status.CREATIVE_REVIEW, submitted_at=aware(2026, 3, 2, 10, 0))
    assert names(at(aware(2026, 3, 4, 10, 0), "brief_approval_waiting")) == {"cast-cd"}
    brief.submitted_at = aware(2026, 3, 5, 10, 0)
    brief.save()
    assert at(aware(2026, 3, 6, 10, 0), "brief_approval_waiting") == {}
    assert names(at(aware(2026, 3, 9, 10, 0), "brief_approval_waiting")) == {"cast-cd"}


def test_a_brief_whose_only_ad_was_deactivated_reminds_the_md_not_the_departed(cast, at):
    """Offboarding deactivates the AD: the MD is chased (briefs.approvers), never
    the departed ADs, nor the crossover (AD on another client, AM here)."""
    cast.ad.is_active = False
    cast.ad.save()
    brief_at(cast, Brief.Status.STRATEGY_REVIEW, creative_agreed_at=aware(2026, 3, 2, 10, 0))
    assert names(at(aware(2026, 3, 4, 10, 0), "brief_approval_waiting")) == {"cast-md"}


def test_a_brief_whose_strategy_the_md_approved_reminds_the_bd_to_sign_not_the_md(cast, at):
    brief_at(
        cast,
        Brief.Status.APPROVED,
        approved_at=aware(2026, 3, 2, 10, 0),
        approved_by=cast.md,
    )
    assert names(at(aware(2026, 3, 4, 10, 0), "brief_approval_waiting")) == {"cast-bd"}
