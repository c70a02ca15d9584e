"""红冲: red-letter invoices linked to the blue one, full or partial, with
their reason; receivables, ageing and profitability net them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.permissions import NOT_ALLOWED
from billing import services
from billing.models import Invoice, InvoiceNumberCounter, RedLetterInvoice
from billing.selectors import ageing_report, profitability_for, receivables_for_user
from tests.helpers import assert_refused, unchanged

from .fapiao_helpers import digital_issued, fapiao_no

pytestmark = pytest.mark.django_db


def _red(cast, invoice, **kwargs):
    kwargs.setdefault("reason", RedLetterInvoice.Reason.TERMINATION)
    kwargs.setdefault("fapiao_number", fapiao_no())
    return services.red_letter_issue(actor=cast.finance, invoice=invoice, **kwargs)


def test_full_red_letter_brings_open_amount_to_zero_and_leaves_ageing(cast):
    blue = digital_issued(cast)
    before = ageing_report(cast.finance).totals.total
    assert before == blue.total
    red = _red(cast, blue, reason=RedLetterInvoice.Reason.ERROR)
    blue.refresh_from_db()
    assert red.is_full and red.total == blue.total
    assert (red.subtotal, red.tax_amount) == (blue.subtotal, blue.tax_amount)
    assert blue.open_amount == 0
    assert blue.status == Invoice.Status.CREDITED
    assert blue not in receivables_for_user(cast.finance)
    report = ageing_report(cast.finance)
    assert report.totals.total == 0
    assert report.by_client == []


def test_partial_red_letter_reduces_open_amount_and_ageing(cast):
    blue = digital_issued(cast)
    red = _red(cast, blue, reason=RedLetterInvoice.Reason.DISCOUNT, amount=Decimal("1000.00"))
    blue.refresh_from_db()
    assert not red.is_full
    assert red.total == Decimal("1000.00")
    assert red.subtotal + red.tax_amount == red.total
    assert red.subtotal == Decimal("943.40")  # 1000 / 1.06, as the blue's proportion
    assert blue.status == Invoice.Status.ISSUED
    assert blue.open_amount == blue.total - Decimal("1000.00")
    assert ageing_report(cast.finance).totals.total == blue.total - Decimal("1000.00")
    assert blue in receivables_for_user(cast.finance)


def test_partial_red_letters_then_the_rest_add_up_to_the_blue(cast):
    blue = digital_issued(cast)
    _red(cast, blue, amount=Decimal("1000.00"))
    last = _red(cast, blue)  # the rest
    blue.refresh_from_db()
    assert last.is_full
    reds = blue.red_letters.all()
    assert sum(r.total for r in reds) == blue.total
    assert sum(r.subtotal for r in reds) == blue.subtotal
    assert sum(r.tax_amount for r in reds) == blue.tax_amount
    assert blue.status == Invoice.Status.CREDITED


def test_partly_paid_then_red_letter_for_the_rest_settles_it(cast):
    blue = digital_issued(cast)
    services.payment_record(
        actor=cast.finance, invoice=blue, date=timezone.localdate(), amount=Decimal("5000.00")
    )
    blue.refresh_from_db()
    assert blue.is_partly_paid
    _red(cast, blue, reason=RedLetterInvoice.Reason.DISCOUNT, amount=blue.open_amount)
    blue.refresh_from_db()
    assert blue.open_amount == 0
    assert blue.status == Invoice.Status.PAID
    assert ageing_report(cast.finance).totals.total == 0


def test_payment_after_partial_red_letter_pays_it_in_full(cast):
    blue = digital_issued(cast)
    _red(cast, blue, amount=Decimal("1000.00"))
    blue.refresh_from_db()
    assert_refused(
        services.payment_record,
        services.ERR_OVERPAYMENT,
        actor=cast.finance,
        invoice=blue,
        date=timezone.localdate(),
        amount=blue.total,
    )
    services.payment_record(
        actor=cast.finance, invoice=blue, date=timezone.localdate(), amount=blue.open_amount
    )
    blue.refresh_from_db()
    assert blue.status == Invoice.Status.PAID


def test_red_letter_has_its_own_number_series_and_stored_pdf(cast):
    blue = digital_issued(cast)
    inv_counter = InvoiceNumberCounter.objects.get(year=blue.number_year).last
    year = timezone.localdate().year
    first = _red(cast, blue, amount=Decimal("100.00"))
    second = _red(cast, blue, amount=Decimal("100.00"))
    assert (first.number, second.number) == (f"RED-{year}-0001", f"RED-{year}-0002")
    assert InvoiceNumberCounter.objects.get(year=blue.number_year).last == inv_counter
    assert first.document.name.endswith(f"{first.number}.pdf")
    with first.document.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    assert services.red_letter_document_bytes(first).startswith(b"%PDF")


def test_red_letter_refusals_change_nothing(cast, draft):
    blue = digital_issued(cast)
    cases = [
        ({"amount": blue.total + 1}, services.ERR_RED_TOO_MUCH),
        ({"amount": Decimal("0.00")}, services.ERR_RED_AMOUNT_POSITIVE),
        (
            {"amount": Decimal("10.00"), "reason": RedLetterInvoice.Reason.ERROR},
            services.ERR_RED_ERROR_IS_FULL,
        ),
        ({"reason": "whim"}, services.ERR_RED_BAD_REASON),
        ({"fapiao_number": "RED-1"}, services.ERR_DIGITAL_FAPIAO_NUMBER),
        ({"fapiao_number": blue.fapiao_number}, services.ERR_FAPIAO_TAKEN),
        (
            {"issue_date": blue.issue_date - dt.timedelta(days=1)},
            services.ERR_RED_BEFORE_BLUE,
        ),
        (
            {"issue_date": timezone.localdate() + dt.timedelta(days=1)},
            services.ERR_ISSUE_DATE_FUTURE,
        ),
    ]
    for kwargs, error in cases:
        with unchanged(blue):
            assert_refused(_red, error, cast, blue, **kwargs)
    with unchanged(draft):
        assert_refused(_red, services.ERR_RED_NOT_ISSUED, cast, draft)
    assert not RedLetterInvoice.objects.exists()


def test_fully_reversed_invoice_takes_no_more_red_letters(cast):
    blue = digital_issued(cast)
    _red(cast, blue)
    blue.refresh_from_db()
    with unchanged(blue):
        assert_refused(_red, services.ERR_RED_NOT_ISSUED, cast, blue)
    assert RedLetterInvoice.objects.count() == 1


@pytest.mark.parametrize("who", ["am", "ad", "md", "bd"])
def test_only_finance_issues_a_red_letter(cast, who):
    blue = digital_issued(cast)
    with unchanged(blue):
        assert_refused(
            services.red_letter_issue,
            NOT_ALLOWED,
            actor=getattr(cast, who),
            invoice=blue,
            reason=RedLetterInvoice.Reason.TERMINATION,
            fapiao_number=fapiao_no(),
        )
    assert not RedLetterInvoice.objects.exists()


def test_paper_invoice_with_red_letter_cannot_be_voided(cast, issued):
    _red(cast, issued, amount=Decimal("10.00"), fapiao_number="PAPER-RED-1")
    issued.refresh_from_db()
    with unchanged(issued):
        assert_refused(
            services.invoice_void,
            services.ERR_VOID_HAS_RED_LETTERS,
            actor=cast.finance,
            invoice=issued,
            reason="x",
        )


def test_profitability_nets_red_letters(cast):
    blue = digital_issued(cast)
    year = blue.issue_date.year
    [before] = profitability_for(cast.finance, year=year, clients=[cast.client])
    assert before.revenue == blue.subtotal
    red = _red(cast, blue, amount=Decimal("1060.00"))
    [partial] = profitability_for(cast.finance, year=year, clients=[cast.client])
    assert partial.revenue == blue.subtotal - red.subtotal == blue.subtotal - Decimal("1000.00")
    _red(cast, blue)
    [full] = profitability_for(cast.finance, year=year, clients=[cast.client])
    assert full.revenue == 0


# --- Pages ------------------------------------------------------------------------


def test_finance_issues_a_partial_red_letter_from_the_invoice_page(cast, as_user):
    blue = digital_issued(cast)
    finance = as_user(cast.finance)
    number = fapiao_no()
    response = finance.post(
        reverse("billing:red_letter_create", args=[blue.pk]),
        {
            "red-reason": "discount",
            "red-amount": "500.00",
            "red-fapiao_number": number,
            "red-issue_date": timezone.localdate().isoformat(),
            "red-note": "折让 5%",
        },
        follow=True,
    )
    red = RedLetterInvoice.objects.get()
    assert red.fapiao_number == number and red.total == Decimal("500.00")
    page = response.content.decode()
    assert red.number in page
    assert "Partly reversed" in page
    detail = finance.get(red.get_absolute_url()).content.decode()
    assert "（负数）伍佰元整" in detail
    pdf = finance.get(reverse("billing:red_letter_pdf", args=[red.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_bad_red_letter_form_is_a_message_not_a_500(cast, as_user):
    blue = digital_issued(cast)
    finance = as_user(cast.finance)
    response = finance.post(
        reverse("billing:red_letter_create", args=[blue.pk]),
        {"red-reason": "discount", "red-fapiao_number": fapiao_no(), "red-issue_date": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert not RedLetterInvoice.objects.exists()


@pytest.mark.parametrize("who", ["am", "ae", "md", "bd"])
def test_red_letter_post_is_403_for_non_finance_who_see_the_invoice(cast, as_user, who):
    blue = digital_issued(cast)
    c = as_user(getattr(cast, who))
    with unchanged(blue):
        response = c.post(
            reverse("billing:red_letter_create", args=[blue.pk]),
            {
                "red-reason": "discount",
                "red-full": "on",
                "red-fapiao_number": fapiao_no(),
                "red-issue_date": timezone.localdate().isoformat(),
            },
        )
    assert response.status_code == 403
    assert not RedLetterInvoice.objects.exists()


@pytest.mark.parametrize("who", ["copywriter", "planner", "outsider"])
def test_red_letter_pages_are_404_for_those_who_do_not_see_the_invoice(cast, as_user, who):
    blue = digital_issued(cast)
    red = _red(cast, blue, amount=Decimal("10.00"))
    c = as_user(getattr(cast, who))
    assert c.get(red.get_absolute_url()).status_code == 404
    assert c.get(reverse("billing:red_letter_pdf", args=[red.pk])).status_code == 404
    response = c.post(reverse("billing:red_letter_create", args=[blue.pk]), {})
    assert response.status_code == 404
    assert RedLetterInvoice.objects.count() == 1
