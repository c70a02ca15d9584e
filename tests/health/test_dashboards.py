"""Role dashboards: every card's number equals the row count of the list it opens,
figures are permission-scoped, and each dashboard runs a fixed number of queries."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agency.roles import Role
from billing.models import Invoice
from meetings.models import Meeting
from plans import services as plan_services
from tests.agency.factories import requested_invoice
from tests.billing.factories import IssuedInvoiceFactory
from tests.factories import CheckInFactory, ClientFactory, MembershipFactory, UserFactory
from tests.meetings.factories import MeetingFactory, in_days
from tests.plans.factories import complete_plan

ROLES = ["md", "ad", "am", "ae", "finance", "bd", "cd"]


def populate(cast, n, *, start=0):
    """n more clients on the cast's team, each with work in every card."""
    today = timezone.localdate()
    for i in range(start, start + n):
        client = ClientFactory(name=f"Dash client {i}")
        MembershipFactory(client=client, user=cast.am, team_role=Role.AM, is_lead=True)
        for user in (cast.ad, cast.ae, cast.bd, cast.cd):
            MembershipFactory(client=client, user=user)
        IssuedInvoiceFactory(
            client=client,
            created_by=cast.am,
            issue_date=today - dt.timedelta(days=70),
            due_date=today - dt.timedelta(days=40),
        )
        IssuedInvoiceFactory(
            client=client,
            created_by=cast.am,
            fapiao_number="",
            issue_date=today - dt.timedelta(days=5),
            due_date=today + dt.timedelta(days=25),
        )
        requested_invoice(client, cast.am, timezone.now())
        CheckInFactory(client=client, author=cast.am, date=today - dt.timedelta(days=100 + i))
        MeetingFactory(
            client=client, kind=Meeting.Kind.PRESENTATION, organiser=cast.am, start=in_days(5)
        )
        plan = complete_plan(client, year=today.year)
        plan_services.plan_submit(actor=cast.am, plan=plan)


def cards_of(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {c.key: c for c in response.context["cards"]}


def list_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    ctx = response.context
    if "page" in ctx:
        return ctx["page"].paginator.count
    return len(ctx["rows"])


@pytest.mark.parametrize("role", ROLES)
def test_every_card_equals_the_rows_of_its_list(db, cast, client, role):
    populate(cast, 3)
    user = getattr(cast, role)
    cards = cards_of(client, user)
    assert cards, role
    checked = 0
    for card in cards.values():
        if not card.url or urlsplit(card.url).path == reverse("billing:timesheet"):
            continue
        assert list_count(client, card.url) == card.value, (role, card.key)
        checked += 1
    assert checked
    assert any(c.value for c in cards.values()), role  # not vacuous


def test_expected_cards_per_role(db, cast, client):
    populate(cast, 2)
    assert cards_of(client, cast.finance)["invoices_to_issue"].value == 2
    assert cards_of(client, cast.finance)["fapiao_missing"].value == 2
    assert cards_of(client, cast.md)["plans_awaiting"].value == 0  # reviews come first
    assert cards_of(client, cast.bd)["plans_awaiting"].value == 2
    assert cards_of(client, cast.ae)["overdue_receivables"].value == 2
    assert cards_of(client, cast.am)["presentations_soon"].value == 2
    assert cards_of(client, cast.am)["health_at_risk"].value == 2


def test_two_aes_on_different_teams_see_different_totals(db, cast, client):
    populate(cast, 2)
    other_ae = UserFactory(role=Role.AE)
    MembershipFactory(client=cast.other_client, user=other_ae)
    mine, theirs = cards_of(client, cast.ae), cards_of(client, other_ae)
    assert mine["overdue_receivables"].value == 2
    assert theirs["overdue_receivables"].value == 0
    assert mine["health_at_risk"].value == 2 and theirs["health_at_risk"].value == 0


def test_outsiders_data_never_shows(db, cast, client):
    populate(cast, 2)
    cards = cards_of(client, cast.outsider)
    assert cards["overdue_receivables"].value == 0
    assert cards["health_at_risk"].value == 0
    page = client.get(reverse("home")).content.decode()
    assert "Dash client" not in page
    page = client.get(reverse("health:client_health")).content.decode()
    assert "Dash client" not in page


def test_charts_are_json_with_tables(db, cast, client):
    populate(cast, 2)
    client.force_login(cast.md)
    page = client.get(reverse("home")).content.decode()
    assert 'id="dashboard-charts" type="application/json"' in page
    assert "Show as a table" in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # nothing inline: the strict CSP stays


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_query_count_is_fixed(db, cast, client, role):
    user = getattr(cast, role)
    client.force_login(user)
    populate(cast, 1)
    client.get(reverse("home"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    populate(cast, 9, start=1)
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("home"))
    assert len(big) == len(small), role


def test_ageing_buckets_link_to_the_invoices_behind_them(db, cast, client):
    populate(cast, 2)
    client.force_login(cast.finance)
    response = client.get(reverse("billing:ageing"))
    linked = response.context["linked"]
    row = linked[0]
    name, url = row[0]
    assert url and name.startswith("Dash client")
    d31_60 = row[2 + 2]  # client, lead, current, 1-30, 31-60
    value, bucket_url = d31_60
    assert value and "bucket=d31_60" in bucket_url
    invoices = client.get(bucket_url).context["page"]
    assert invoices.paginator.count == 1
    assert sum(i.total - i.amount_paid for i in invoices) == value
    total_row = linked[-1]
    assert (
        list_count(client, total_row[-1][1])
        == Invoice.objects.filter(status=Invoice.Status.ISSUED).count()
    )


def test_briefs_awaiting_card_matches_the_brief_list(db, cast, client):
    from tests.briefs.factories import BriefFactory

    brief = BriefFactory(client=cast.client, status="creative_review", submitted_at=timezone.now())
    cards = cards_of(client, cast.cd)
    card = cards["briefs_awaiting"]
    assert card.value == 1
    assert list_count(client, card.url) == 1
    assert cards_of(client, cast.outsider).get("briefs_awaiting") is None
    assert brief.pk
