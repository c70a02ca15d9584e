import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from agency import dashboard
from agency.pdf import render_pdf_html
from billing.models import Invoice, TaxRate
from billing.panels import billing_dashboard
from billing.selectors import invoice_document_context as invoice_pdf_context

from .factories import InvoiceFactory, IssuedInvoiceFactory

pytestmark = pytest.mark.django_db

NEW_INVOICE = {
    "client": "",
    "currency": "CNY",
    "note_to_finance": "Please send to 陈总",
    "lines-TOTAL_FORMS": "2",
    "lines-INITIAL_FORMS": "0",
    "lines-0-description": "品牌推广服务费",
    "lines-0-quantity": "1",
    "lines-0-unit_price": "12345.67",
    "lines-0-tax_rate": "6",
    "lines-1-description": "",
    "lines-1-quantity": "",
    "lines-1-unit_price": "",
    "lines-1-tax_rate": "",
}


@time_machine.travel(dt.datetime(2027, 5, 10, 2, 0, tzinfo=dt.UTC), tick=False)
def test_full_flow_through_the_pages(cast, as_user):
    am = as_user(cast.am)
    response = am.post(reverse("billing:invoice_create"), {**NEW_INVOICE, "client": cast.client.pk})
    invoice = Invoice.objects.get()
    assert response.url == invoice.get_absolute_url()
    assert invoice.total == Decimal("13086.41")
    assert invoice.lines.get().description == "品牌推广服务费"
    page = am.get(invoice.get_absolute_url())
    assert page.context["may_edit"] and not page.context["may_issue"]
    am.post(reverse("billing:invoice_request", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == "requested"

    fin = as_user(cast.finance)
    page = fin.get(invoice.get_absolute_url())
    assert page.context["may_issue"]
    fin.post(
        reverse("billing:invoice_issue", args=[invoice.pk]),
        {"fapiao_number": "044001", "issue_date": "2027-05-10"},
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.due_date) == (
        "issued",
        "INV-2027-0001",
        dt.date(2027, 6, 9),
    )
    response = fin.post(
        reverse("billing:payment_add", args=[invoice.pk]),
        {"date": "2027-05-10", "amount": "13086.42", "method": "bank"},
        follow=True,
    )
    assert "more than the open amount" in response.content.decode()
    fin.post(
        reverse("billing:payment_add", args=[invoice.pk]),
        {"date": "2027-05-10", "amount": "13086.41", "method": "bank", "reference": "TT-1"},
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    page = fin.get(invoice.get_absolute_url())
    html = page.content.decode()
    assert "TT-1" in html and "Paid in full" in html


def test_bad_money_and_dates_are_form_errors(cast, as_user, issued):
    fin = as_user(cast.finance)
    for amount in ("abc", "-5", "0", "1.001", "1e30", "NaN"):
        response = fin.post(
            reverse("billing:payment_add", args=[issued.pk]),
            {"date": "2027-01-01", "amount": amount, "method": "bank"},
            follow=True,
        )
        assert response.status_code == 200
    response = fin.post(
        reverse("billing:payment_add", args=[issued.pk]),
        {"date": "2999-01-01", "amount": "1", "method": "bank"},
        follow=True,
    )
    assert response.status_code == 200
    issued.refresh_from_db()
    assert issued.amount_paid == 0
    am = as_user(cast.am)
    bad = {**NEW_INVOICE, "client": cast.client.pk, "lines-0-unit_price": "12.345"}
    assert am.post(reverse("billing:invoice_create"), bad).status_code == 200
    bad = {**NEW_INVOICE, "client": cast.other_client.pk}
    assert am.post(reverse("billing:invoice_create"), bad).status_code == 200
    assert Invoice.objects.count() == 1


@time_machine.travel(dt.datetime(2027, 6, 30, 4, 0, tzinfo=dt.UTC), tick=False)
def test_invoice_list_paginates_with_a_fixed_number_of_queries(
    cast, as_user, django_assert_max_num_queries
):
    c = as_user(cast.finance)
    InvoiceFactory(client=cast.client, created_by=cast.am)
    with django_assert_max_num_queries(10):
        assert c.get(reverse("billing:invoice_list")).status_code == 200
    for _ in range(40):
        IssuedInvoiceFactory(client=cast.client, created_by=cast.am)
    with django_assert_max_num_queries(10):
        page = c.get(reverse("billing:invoice_list"), {"status": "issued", "overdue": "on"})
    assert page.context["page"].paginator.count == 40
    assert len(page.context["page"].object_list) == 25


def test_invoice_list_filters_and_scopes(cast, as_user):
    mine = IssuedInvoiceFactory(client=cast.client, created_by=cast.am)
    theirs = IssuedInvoiceFactory(client=cast.other_client, created_by=cast.outsider)
    page = as_user(cast.am).get(reverse("billing:invoice_list"))
    assert [i.pk for i in page.context["page"]] == [mine.pk]
    page = as_user(cast.md).get(reverse("billing:invoice_list"), {"client": cast.other_client.pk})
    assert [i.pk for i in page.context["page"]] == [theirs.pk]


def test_invoice_pdf_html_and_bytes(cast, as_user, issued):
    html = render_pdf_html("pdf/billing/invoice.html", invoice_pdf_context(issued))
    assert issued.number in html
    assert "Huayuan Properties Ltd." in html
    assert "11,659.99" in html
    response = as_user(cast.finance).get(reverse("billing:invoice_pdf", args=[issued.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import io

    reader = PdfReader(io.BytesIO(response.content))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Agency-Sans-SC" in f for f in fonts)


def test_invoice_detail_includes_the_reminders_and_timeline(cast, as_user, issued):
    page = as_user(cast.am).get(issued.get_absolute_url())
    html = page.content.decode()
    assert "History" in html
    assert "Issued" in html
    templates = [t.name for t in page.templates]
    assert "_object_reminders.html" in templates


@time_machine.travel(dt.datetime(2027, 6, 30, 4, 0, tzinfo=dt.UTC), tick=False)
def test_dashboard_for_finance_and_account_people(cast, requested, django_assert_max_num_queries):
    requested.requested_at = dt.datetime(2027, 6, 25, tzinfo=dt.UTC)
    requested.save()
    newer = InvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        status="requested",
        requested_at=dt.datetime(2027, 6, 29, tzinfo=dt.UTC),
    )
    overdue = IssuedInvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        issue_date=dt.date(2027, 5, 1),
        due_date=dt.date(2027, 5, 31),
    )
    IssuedInvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        issue_date=dt.date(2027, 6, 1),
        due_date=dt.date(2027, 7, 1),
    )
    other = IssuedInvoiceFactory(
        client=cast.other_client,
        created_by=cast.outsider,
        issue_date=dt.date(2027, 1, 1),
        due_date=dt.date(2027, 2, 1),
    )
    drafted = InvoiceFactory(client=cast.client, created_by=cast.ae)

    with django_assert_max_num_queries(2):
        billing_dashboard(cast.finance)
    sections = {s.title: s for s in dashboard.sections_for(cast.finance)}
    awaiting = sections["Invoices to issue"].items
    assert [i.url for i in awaiting] == [requested.get_absolute_url(), newer.get_absolute_url()]
    assert awaiting[0].overdue and not awaiting[1].overdue
    assert [i.url for i in sections["Overdue receivables"].items] == [
        other.get_absolute_url(),
        overdue.get_absolute_url(),
    ]

    sections = {s.title: s for s in dashboard.sections_for(cast.ae)}
    assert [i.url for i in sections["My invoice drafts"].items] == [drafted.get_absolute_url()]
    assert [i.url for i in sections["My clients' overdue invoices"].items] == [
        overdue.get_absolute_url()
    ]
    assert "30 days overdue" in sections["My clients' overdue invoices"].items[0].detail
    assert not [
        s for s in dashboard.sections_for(cast.copywriter) if s.title.startswith("My clients")
    ]


def test_client_page_shows_the_billing_panel_to_those_who_see_billing(cast, as_user, issued):
    page = as_user(cast.finance).get(cast.client.get_absolute_url())
    assert issued.number in page.content.decode()
    page = as_user(cast.copywriter).get(cast.client.get_absolute_url())
    assert issued.number not in page.content.decode()


def test_a_new_invoice_takes_the_clients_currency_unless_another_is_chosen(cast, as_user):
    cast.client.currency = "USD"
    cast.client.save(update_fields=["currency"])
    am = as_user(cast.am)
    page = am.get(reverse("billing:invoice_create"), {"client": cast.client.pk})
    assert page.context["form"]["currency"].value() == ""
    am.post(
        reverse("billing:invoice_create"),
        {**NEW_INVOICE, "client": cast.client.pk, "currency": ""},
    )
    assert Invoice.objects.get().currency == "USD"
    am.post(
        reverse("billing:invoice_create"),
        {**NEW_INVOICE, "client": cast.client.pk, "currency": "HKD"},
    )
    assert Invoice.objects.latest("pk").currency == "HKD"


def test_an_invoice_too_large_with_its_tax_is_a_form_error(cast, as_user):
    """999,999,990,000 before tax fits the total column, 1,999,999,980,000
    with 100 % tax does not: a form error, not a database error."""
    TaxRate.objects.create(rate=Decimal("100.00"), description="test only")
    am = as_user(cast.am)
    data = {
        **NEW_INVOICE,
        "client": cast.client.pk,
        "lines-0-quantity": "99999999",
        "lines-0-unit_price": "10000",
        "lines-0-tax_rate": "100",
    }
    response = am.post(reverse("billing:invoice_create"), data)
    assert response.status_code == 200
    assert "The total is too large." in response.content.decode()
    assert not Invoice.objects.exists()
    response = am.post(reverse("billing:invoice_create"), {**data, "lines-0-tax_rate": "0"})
    assert response.status_code == 302
    assert Invoice.objects.get().total == Decimal("999999990000.00")
