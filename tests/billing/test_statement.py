"""The statement of account (对账单) per client: invoices, payments and
red-letter invoices with the running balance, as a page and a PDF."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing import services
from billing.models import RedLetterInvoice
from billing.selectors import client_statement

from .fapiao_helpers import digital_issued, fapiao_no

pytestmark = pytest.mark.django_db

SEE_ALL = ("finance", "md", "bd")
ACCOUNT = ("ad", "am", "ae")
HIDDEN = ("cd", "copywriter", "planner", "media", "traffic", "outsider")


@pytest.fixture
def history(cast, draft):
    """A 数电票 partly paid and partly reversed, plus a draft that is not billed yet."""
    blue = digital_issued(cast)
    today = timezone.localdate()
    services.payment_record(
        actor=cast.finance, invoice=blue, date=today, amount=Decimal("5000.00"), reference="TT01"
    )
    red = services.red_letter_issue(
        actor=cast.finance,
        invoice=blue,
        reason=RedLetterInvoice.Reason.DISCOUNT,
        fapiao_number=fapiao_no(),
        amount=Decimal("1000.00"),
    )
    blue.refresh_from_db()
    return blue, red


def test_statement_lists_invoices_red_letters_and_payments_with_running_balance(cast, history):
    blue, red = history
    statement = client_statement(cast.client)
    kinds = [(e.kind, e.document, e.debit, e.credit, e.balance) for e in statement.entries]
    assert kinds == [
        ("invoice", blue.number, blue.total, Decimal("0.00"), blue.total),
        ("red_letter", red.number, Decimal("0.00"), Decimal("1000.00"), blue.total - 1000),
        ("payment", blue.number, Decimal("0.00"), Decimal("5000.00"), blue.total - 6000),
    ]
    assert statement.balance == blue.open_amount == blue.total - 6000
    assert statement.invoices == [blue]  # the draft is not billed


def test_void_invoices_are_not_on_the_statement(cast, issued):
    services.invoice_void(actor=cast.finance, invoice=issued, reason="duplicate")
    statement = client_statement(cast.client)
    assert statement.entries == []
    assert statement.balance == 0


def test_statement_page_shows_partly_paid_and_the_balance(cast, as_user, history):
    blue, red = history
    page = as_user(cast.finance).get(reverse("billing:statement", args=[cast.client.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Partly paid" in html
    assert "Partly reversed" in html
    assert red.number in html and blue.number in html
    assert f"{blue.open_amount:,.2f}" in html


def test_statement_pdf_in_chinese(cast, as_user, history):
    blue, red = history
    c = as_user(cast.finance)
    response = c.get(
        reverse("billing:statement_pdf", args=[cast.client.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (blue.number, red.number, f"{blue.open_amount:,.2f}", "上海示范广告有限公司"):
        assert expected in text, expected


def test_statement_bad_filter_is_no_500(cast, as_user, history):
    c = as_user(cast.finance)
    url = reverse("billing:statement", args=[cast.client.pk])
    assert c.get(url, {"as_of": "not-a-date", "currency": "XXX"}).status_code == 200
    assert c.get(url, {"currency": "USD"}).status_code == 200


@pytest.mark.parametrize("who", SEE_ALL + ACCOUNT)
def test_statement_visible_as_the_invoices(cast, as_user, history, who):
    c = as_user(getattr(cast, who))
    for name in ("billing:statement", "billing:statement_pdf"):
        assert c.get(reverse(name, args=[cast.client.pk])).status_code == 200


@pytest.mark.parametrize("who", HIDDEN)
def test_statement_is_404_for_everyone_else(cast, as_user, history, who):
    c = as_user(getattr(cast, who))
    for name in ("billing:statement", "billing:statement_pdf"):
        assert c.get(reverse(name, args=[cast.client.pk])).status_code == 404
