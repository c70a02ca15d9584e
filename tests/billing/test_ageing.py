"""Receivables ageing: buckets exactly at their boundaries, totals to the cent,
and CSV / Excel exports that match the page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import Invoice
from billing.selectors import BUCKET_KEYS, ageing_report
from tests.factories import ClientFactory, MembershipFactory, UserFactory

from .factories import IssuedInvoiceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 30)
NOON_SHANGHAI = dt.datetime(2027, 6, 30, 4, 0, tzinfo=dt.UTC)

# days past due -> expected bucket
BOUNDARIES = [
    (-5, "current"),
    (0, "current"),
    (1, "d1_30"),
    (30, "d1_30"),
    (31, "d31_60"),
    (60, "d31_60"),
    (61, "d61_90"),
    (90, "d61_90"),
    (91, "d90_plus"),
    (400, "d90_plus"),
]


def _issued(client, days_past_due, total, paid="0.00", **kw):
    due = TODAY - dt.timedelta(days=days_past_due)
    return IssuedInvoiceFactory(
        client=client,
        created_by=kw.pop("created_by", None) or UserFactory(),
        due_date=due,
        issue_date=min(due, TODAY) - dt.timedelta(days=30),
        total=Decimal(total),
        subtotal=Decimal(total),
        tax_amount=Decimal("0.00"),
        amount_paid=Decimal(paid),
        **kw,
    )


@pytest.fixture
def receivables(cast):
    """One invoice per boundary for the cast's client, amounts with odd cents."""
    for i, (days, _bucket) in enumerate(BOUNDARIES):
        _issued(cast.client, days, f"{1000 + i}.{i:02d}", paid="0.33")
    # Owes nothing or is not a receivable: never counted.
    _issued(cast.client, 45, "500.00", paid="500.00")
    _issued(cast.client, 45, "700.00", paid="700.00", status=Invoice.Status.PAID)
    _issued(cast.client, 45, "800.00", status=Invoice.Status.VOID, void_reason="wrong")
    _issued(cast.client, 45, "900.00", currency="USD")
    # A second client with another lead.
    other = ClientFactory(name="Apex Motors")
    lead = UserFactory(full_name="Lead Two", role="ad")
    MembershipFactory(client=other, user=lead, team_role="ad", is_lead=True)
    _issued(other, 10, "0.10")
    _issued(other, 95, "0.20")
    return other


@time_machine.travel(NOON_SHANGHAI, tick=False)
def test_each_invoice_lands_in_its_bucket_at_the_exact_boundary(cast):
    for i, (days, bucket) in enumerate(BOUNDARIES):
        inv = _issued(cast.client, days, "10.00")
        report = ageing_report(cast.finance, client=cast.client)
        (row,) = report.by_client
        assert row.amounts[bucket] == Decimal("10.00"), (days, bucket)
        assert row.total == Decimal("10.00")
        assert inv.days_overdue() == max(days, 0)
        inv.status = Invoice.Status.VOID
        inv.void_reason = "test"
        inv.save()
        assert i >= 0


@time_machine.travel(NOON_SHANGHAI, tick=False)
def test_ageing_totals_are_right_to_the_cent(cast, receivables):
    report = ageing_report(cast.finance)
    expected = dict.fromkeys(BUCKET_KEYS, Decimal("0.00"))
    for i, (_days, bucket) in enumerate(BOUNDARIES):
        expected[bucket] += Decimal(f"{1000 + i}.{i:02d}") - Decimal("0.33")
    huayuan = next(r for r in report.by_client if r.key == cast.client.pk)
    assert huayuan.amounts == expected
    assert huayuan.lead == "Cast am"
    apex = next(r for r in report.by_client if r.key == receivables.pk)
    assert apex.amounts["d1_30"] == Decimal("0.10")
    assert apex.amounts["d90_plus"] == Decimal("0.20")
    assert report.totals.total == sum(expected.values()) + Decimal("0.30")
    assert report.totals.total == Decimal("10042.45")
    # by account lead: the same money, regrouped
    by_lead = {r.label: r.total for r in report.by_lead}
    assert by_lead == {"Cast am": sum(expected.values()), "Lead Two": Decimal("0.30")}
    # USD is reported on its own
    usd = ageing_report(cast.finance, currency="USD")
    assert usd.totals.total == Decimal("900.00")


@time_machine.travel(NOON_SHANGHAI, tick=False)
def test_ageing_filters_by_client_and_lead(cast, as_user, receivables):
    c = as_user(cast.finance)
    page = c.get(reverse("billing:ageing"), {"client": receivables.pk})
    assert [r.label for r in page.context["report"].by_client] == ["Apex Motors"]
    lead = receivables.memberships.get(is_lead=True).user
    page = c.get(reverse("billing:ageing"), {"lead": lead.pk, "group": "lead"})
    assert page.context["report"].totals.total == Decimal("0.30")
    assert page.context["table"][0][0] == "Lead Two"
    # A client the user may not see is not a valid filter: the form ignores it.
    page = as_user(cast.am).get(reverse("billing:ageing"), {"client": receivables.pk})
    assert page.status_code == 200
    assert [r.label for r in page.context["report"].by_client] == ["Huayuan Properties"]


@time_machine.travel(NOON_SHANGHAI, tick=False)
@pytest.mark.parametrize("group", ["client", "lead"])
def test_csv_and_excel_exports_match_the_page(cast, as_user, receivables, group):
    c = as_user(cast.finance)
    page = c.get(reverse("billing:ageing"), {"group": group})
    header, table = page.context["header"], page.context["table"]
    html = page.content.decode()
    for row in table:
        for value in row[-6:]:
            assert f"{value:,.2f}" in html

    response = c.get(reverse("billing:ageing_export", args=["csv"]), {"group": group})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == header
    assert len(rows) == len(table) + 1
    for got, want in zip(rows[1:], table, strict=True):
        assert got[: len(want) - 6] == [str(v) for v in want[:-6]]
        assert [Decimal(v) for v in got[-6:]] == want[-6:]

    response = c.get(reverse("billing:ageing_export", args=["xlsx"]), {"group": group})
    sheet = load_workbook(io.BytesIO(response.content)).active
    xrows = list(sheet.iter_rows(values_only=True))
    assert list(xrows[0]) == header
    for got, want in zip(xrows[1:], table, strict=True):
        assert [v or "" for v in got[: len(want) - 6]] == [str(v) for v in want[:-6]]
        # Excel stores numbers as floats: compare what it shows, to the cent.
        assert [Decimal(f"{v:.2f}") for v in got[-6:]] == want[-6:]
    assert table[-1][-1] == Decimal("10042.45")


@time_machine.travel(NOON_SHANGHAI, tick=False)
def test_ageing_runs_a_fixed_number_of_queries(
    cast, as_user, receivables, django_assert_max_num_queries
):
    c = as_user(cast.finance)
    with django_assert_max_num_queries(12):
        c.get(reverse("billing:ageing"))
    for i in range(30):
        _issued(ClientFactory(), i * 5, "1.00")
    with django_assert_max_num_queries(12):
        c.get(reverse("billing:ageing"))


@time_machine.travel(NOON_SHANGHAI, tick=False)
@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1+cmd", "-2+3", "@SUM(A1)"])
def test_exports_neutralise_names_that_would_run_as_formulas(cast, as_user, name):
    """CSV / formula injection: a client named "=HYPERLINK(...)" is text in the
    CSV (a leading quote) and a text cell in Excel, never a formula."""
    cast.client.name = cast.client.short_name = name
    cast.client.save(update_fields=["name", "short_name"])
    cast.am.full_name = "=cmd|' /C calc'!A0"
    cast.am.save(update_fields=["full_name"])
    _issued(cast.client, 10, "100.00")
    c = as_user(cast.finance)

    response = c.get(reverse("billing:ageing_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == [f"'{name}", "'=cmd|' /C calc'!A0"]
    assert rows[1][-1] == "100.00"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")) and not cell.startswith("-"), cell

    response = c.get(reverse("billing:ageing_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == name
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    response = c.get(reverse("billing:profitability_export", args=["csv"]), {"year": 2027})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [f"'{name}", "100.00"] in [row[:2] for row in rows]
    response = c.get(reverse("billing:profitability_export", args=["xlsx"]), {"year": 2027})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
