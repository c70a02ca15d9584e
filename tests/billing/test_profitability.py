"""Profitability: issued revenue minus hours x the rate in force on each
entry's date, re-presentations on their own line, against the plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice, TimeEntry, money
from billing.selectors import RateTable, profitability_for
from tests.factories import ClientFactory

from .factories import CostRateFactory, InvoiceFactory, IssuedInvoiceFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_work(cast):
    # Rates change mid-year: 300 until 30 June, 350.50 from 1 July (AM); AE 200.
    CostRateFactory(role="am", rate=Decimal("300.00"), effective_from=dt.date(2026, 1, 1))
    CostRateFactory(role="am", rate=Decimal("350.50"), effective_from=dt.date(2027, 7, 1))
    CostRateFactory(role="ae", rate=Decimal("200.00"), effective_from=dt.date(2027, 1, 1))
    # Revenue: issued and paid count (before tax); drafts, requests and voids do not.
    for status, subtotal in [
        (Invoice.Status.ISSUED, "10000.00"),
        (Invoice.Status.PAID, "5000.55"),
        (Invoice.Status.VOID, "999.00"),
    ]:
        IssuedInvoiceFactory(
            client=cast.client,
            created_by=cast.am,
            status=status,
            subtotal=Decimal(subtotal),
            total=Decimal(subtotal) * Decimal("1.06"),
            amount_paid=Decimal(subtotal) * Decimal("1.06") if status == "paid" else 0,
            void_reason="x" if status == "void" else "",
            issue_date=dt.date(2027, 3, 1),
        )
    InvoiceFactory(client=cast.client, created_by=cast.am, subtotal=Decimal("7777"))
    IssuedInvoiceFactory(client=cast.client, created_by=cast.am, issue_date=dt.date(2026, 12, 31))
    entries = [
        (cast.am, dt.date(2027, 6, 30), "1.25", TimeEntry.Activity.MEETING),  # 300
        (cast.am, dt.date(2027, 7, 1), "2.33", TimeEntry.Activity.REPRESENTATION),  # 350.50
        (cast.ae, dt.date(2027, 7, 1), "3.00", TimeEntry.Activity.REPRESENTATION),  # 200
        (cast.ae, dt.date(2027, 2, 1), "0.01", TimeEntry.Activity.PLAN),  # 200
        (cast.am, dt.date(2028, 1, 1), "8.00", TimeEntry.Activity.PLAN),  # other year
    ]
    for user, day, hours, activity in entries:
        TimeEntryFactory(
            user=user, client=cast.client, date=day, hours=Decimal(hours), activity=activity
        )
    # A copywriter with no cost rate: hours count, cost zero, flagged.
    TimeEntryFactory(
        user=cast.copywriter, client=cast.client, date=dt.date(2027, 5, 5), hours=Decimal("4")
    )
    return cast.client


def test_rate_in_force_is_the_latest_effective_on_that_date():
    CostRateFactory(role="am", rate=Decimal("1"), effective_from=dt.date(2027, 1, 1))
    CostRateFactory(role="am", rate=Decimal("2"), effective_from=dt.date(2027, 7, 1))
    rates = RateTable()
    assert rates.rate("am", dt.date(2026, 12, 31)) is None
    assert rates.rate("am", dt.date(2027, 1, 1)) == Decimal("1")
    assert rates.rate("am", dt.date(2027, 6, 30)) == Decimal("1")
    assert rates.rate("am", dt.date(2027, 7, 1)) == Decimal("2")


def test_profit_is_issued_revenue_minus_hours_times_the_rate_in_force(cast, year_of_work):
    (p,) = profitability_for(cast.finance, year=2027, clients=[year_of_work])
    assert p.revenue == Decimal("15000.55")
    exact = (
        Decimal("1.25") * Decimal("300.00")
        + Decimal("2.33") * Decimal("350.50")
        + Decimal("3.00") * Decimal("200.00")
        + Decimal("0.01") * Decimal("200.00")
    )
    # Rounded once, half up, like finance: 1793.665 -> 1793.67.
    assert p.cost == money(exact) == Decimal("1793.67")
    assert p.profit == Decimal("15000.55") - Decimal("1793.67")
    assert p.hours == Decimal("10.59")
    assert p.unrated_hours == Decimal("4.00")
    assert p.representation_hours == Decimal("5.33")
    assert p.representation_cost == Decimal("1416.67")


def test_profitability_compares_with_the_approved_plan(cast, year_of_work):
    from plans.models import AccountPlan

    fields = {f.name for f in AccountPlan._meta.fields}
    data = {
        "client": cast.client,
        "year": 2027,
        "revenue_target": Decimal("20000"),
        "cost_target": Decimal("5000"),
        "status": AccountPlan.Status.APPROVED,
    }
    if "created_by" in fields:
        data["created_by"] = cast.am
    AccountPlan.objects.create(**data)
    (p,) = profitability_for(cast.finance, year=2027, clients=[year_of_work])
    assert p.plan.profit_target == Decimal("15000")
    rows = profitability_for(cast.finance, year=2027)
    assert next(r for r in rows if r.client == cast.client).plan.pk == p.plan.pk


def test_profitability_pages_show_the_figures(cast, as_user, year_of_work):
    c = as_user(cast.finance)
    page = c.get(reverse("billing:profitability_client", args=[cast.client.pk]), {"year": 2027})
    html = page.content.decode()
    assert "15,000.55" in html
    assert "1,793.67" in html
    assert "1,416.67" in html
    assert "What repeated presentations cost us" in html
    page = c.get(reverse("billing:profitability"), {"year": 2027})
    assert "13,206.88" in page.content.decode()
    # a bad year falls back to this year, no 500
    assert c.get(reverse("billing:profitability"), {"year": "abc"}).status_code == 200


def test_profitability_list_runs_a_fixed_number_of_queries(
    cast, as_user, year_of_work, django_assert_max_num_queries
):
    c = as_user(cast.md)
    # the same bound with 10 more clients: the count does not grow with the data
    with django_assert_max_num_queries(13):
        c.get(reverse("billing:profitability"), {"year": 2027})
    for _ in range(10):
        client = ClientFactory()
        IssuedInvoiceFactory(client=client, created_by=cast.am, issue_date=dt.date(2027, 2, 2))
        TimeEntryFactory(client=client, user=cast.am, date=dt.date(2027, 2, 2))
    with django_assert_max_num_queries(13):
        c.get(reverse("billing:profitability"), {"year": 2027})


def test_profitability_hidden_from_creatives(cast, as_user):
    c = as_user(cast.copywriter)
    assert c.get(reverse("billing:profitability_client", args=[cast.client.pk])).status_code == 404


def test_profitability_and_time_exports_match_the_figures(cast, as_user, year_of_work):
    import csv
    import io

    from openpyxl import load_workbook

    c = as_user(cast.finance)
    response = c.get(reverse("billing:profitability_export", args=["csv"]), {"year": 2027})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    huayuan = next(r for r in rows if r[0] == "Huayuan")
    assert huayuan[1:6] == ["15000.55", "10.59", "1793.67", "1416.67", "13206.88"]
    response = c.get(reverse("billing:profitability_export", args=["xlsx"]), {"year": 2027})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(
        row[0] == "Huayuan" and f"{row[3]:.2f}" == "1793.67"
        for row in sheet.iter_rows(values_only=True)
    )

    response = c.get(reverse("billing:time_export", args=[cast.client.pk, "csv"]), {"year": 2027})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert len(rows) == 5
    costs = sum(Decimal(r[6]) for r in rows if r[6])
    assert abs(costs - Decimal("1793.67")) <= Decimal("0.02")  # per-entry rounding
    assert c.get(reverse("billing:time_export", args=[cast.client.pk, "pdf"])).status_code == 404
    assert (
        as_user(cast.copywriter)
        .get(reverse("billing:time_export", args=[cast.client.pk, "csv"]))
        .status_code
        == 404
    )
    assert (
        as_user(cast.copywriter)
        .get(reverse("billing:profitability_export", args=["csv"]))
        .status_code
        == 404
    )


def test_revenue_in_another_currency_is_shown_apart_never_added_to_yuan(
    cast, as_user, year_of_work
):
    """Cost rates are in yuan: a USD 2,000 invoice is not CNY 2,000 of revenue."""
    IssuedInvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        currency="USD",
        subtotal=Decimal("2000.00"),
        total=Decimal("2120.00"),
        issue_date=dt.date(2027, 4, 1),
    )
    (p,) = profitability_for(cast.finance, year=2027, clients=[cast.client])
    assert p.revenue == Decimal("15000.55")
    assert p.other_revenue == {"USD": Decimal("2000.00")}
    c = as_user(cast.finance)
    for url in (
        reverse("billing:profitability"),
        reverse("billing:profitability_client", args=[cast.client.pk]),
    ):
        html = c.get(url, {"year": 2027}).content.decode()
        assert "15,000.55" in html
        assert "USD 2,000.00" in html
        assert "17,000.55" not in html
    import csv
    import io

    response = c.get(reverse("billing:profitability_export", args=["csv"]), {"year": 2027})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    huayuan = next(r for r in rows if r[0] == "Huayuan")
    assert huayuan[1] == "15000.55"
    assert huayuan[-1] == "USD 2000.00"


def test_a_promoted_aes_old_hours_keep_the_ae_cost_and_new_ones_get_the_am_cost(cast):
    from accounts.models import User
    from billing import services

    CostRateFactory(role="ae", rate=Decimal("200.00"), effective_from=dt.date(2027, 1, 1))
    CostRateFactory(role="am", rate=Decimal("300.00"), effective_from=dt.date(2027, 1, 1))
    monday = dt.date(2027, 3, 1)
    row = {"client": cast.client, "activity": "plan", "presentation_round": None}
    # given: the AE logs 2 h on Monday
    services.timesheet_week_save(
        actor=cast.ae, monday=monday, rows=[{**row, "hours": [Decimal(2), *[None] * 6]}]
    )
    # when: promoted to AM, who then adds 1 h on Tuesday in the same week
    User.objects.filter(pk=cast.ae.pk).update(role="am")
    cast.ae.refresh_from_db()
    services.timesheet_week_save(
        actor=cast.ae,
        monday=monday,
        rows=[{**row, "hours": [Decimal(2), Decimal(1), *[None] * 5]}],
    )
    # then: Monday stays an AE hour at 200, Tuesday is an AM hour at 300
    entries = TimeEntry.objects.filter(user=cast.ae).order_by("date")
    assert [(e.date.day, e.role) for e in entries] == [(1, "ae"), (2, "am")]
    (p,) = profitability_for(cast.finance, year=2027, clients=[cast.client])
    assert p.cost == Decimal("700.00")
    assert p.unrated_hours == 0


def test_the_time_export_shows_the_role_each_entry_was_written_at(cast, as_user):
    import csv
    import io

    CostRateFactory(role="ae", rate=Decimal("200.00"), effective_from=dt.date(2027, 1, 1))
    TimeEntryFactory(user=cast.am, role="ae", client=cast.client, date=dt.date(2027, 2, 1))
    response = as_user(cast.finance).get(
        reverse("billing:time_export", args=[cast.client.pk, "csv"]), {"year": 2027}
    )
    (row,) = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert row[2] == "Account Executive (AE)"
    assert row[5:] == ["200.00", "400.00"]
