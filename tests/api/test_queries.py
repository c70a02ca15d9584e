"""List endpoints run a fixed number of queries: the same for 5 rows as for 50."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefs.models import Brief
from tests.billing.factories import (
    InvoiceLineFactory,
    IssuedInvoiceFactory,
    PaymentFactory,
    TimeEntryFactory,
)
from tests.briefs.factories import BriefFactory
from tests.factories import ClientFactory, ContactFactory, MembershipFactory, PartyFactory
from tests.meetings.factories import AttendeeFactory, MeetingFactory, presentation_meeting
from tests.plans.factories import (
    AccountPlanFactory,
    ActivityFactory,
    PhaseGoalFactory,
    StrategyFactory,
)


def _client(cast, i):
    c = ClientFactory()
    ContactFactory(client=c)
    ContactFactory(client=c)
    PartyFactory(client=c)
    MembershipFactory(client=c, user=cast.am, team_role="am", is_lead=True)
    MembershipFactory(client=c, user=cast.ae, team_role="ae")


def _plan(cast, i):
    plan = AccountPlanFactory(client=cast.client, year=1900 + i)
    goal = PhaseGoalFactory(plan=plan)
    strategy = StrategyFactory(plan=plan)
    strategy.phase_goals.add(goal)
    ActivityFactory(plan=plan, owner=cast.am)
    ActivityFactory(plan=plan)


def _brief(cast, i):
    strategy = StrategyFactory(plan=AccountPlanFactory(client=cast.client, year=1000 + i))
    BriefFactory(client=cast.client, author=cast.am, strategy=strategy, status=Brief.Status.DRAFT)


def _meeting(cast, i):
    if i % 2:
        presentation_meeting(client=cast.client, organiser=cast.am)
    else:
        m = MeetingFactory(client=cast.client, organiser=cast.am)
        AttendeeFactory(meeting=m, user=cast.ae)
        AttendeeFactory(meeting=m, contact=cast.contact)


def _invoice(cast, i):
    inv = IssuedInvoiceFactory(client=cast.client, created_by=cast.am)
    InvoiceLineFactory(invoice=inv)
    InvoiceLineFactory(invoice=inv)
    PaymentFactory(invoice=inv, recorded_by=cast.finance, amount=Decimal("1.00"))


def _time(cast, i):
    TimeEntryFactory(
        user=cast.ae if i % 2 else cast.am,
        client=cast.client,
        date=dt.date(2027, 1, 1) + dt.timedelta(days=i),
    )


CASES = [
    ("client", _client),
    ("plan", _plan),
    ("brief", _brief),
    ("meeting", _meeting),
    ("invoice", _invoice),
    ("time-entry", _time),
]


@pytest.mark.parametrize(("basename", "make"), CASES, ids=[c[0] for c in CASES])
def test_list_query_count_does_not_grow_with_rows(cast, api_as, basename, make):
    api = api_as(cast.md)
    url = reverse(f"api:{basename}-list") + "?page_size=200"
    for i in range(5):
        make(cast, i)
    api.get(url)  # first use of the token: records last_used_at
    with CaptureQueriesContext(connection) as few:
        first = api.get(url)
    for i in range(5, 50):
        make(cast, i)
    with CaptureQueriesContext(connection) as many:
        second = api.get(url)
    assert len(second.data["results"]) >= 50 > len(first.data["results"]) >= 5
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
