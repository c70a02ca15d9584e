"""数电票: kinds, the 20-digit number, buyer and seller credit codes, tax
rates as configuration, 价税合计大写 on the page and the PDF, letterhead,
and voiding only before issue."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.validators import is_valid_uscc, validate_uscc
from billing import services
from billing.fapiao import amount_in_capitals
from billing.models import AgencyProfile, Invoice, InvoiceNumberCounter, TaxRate
from tests.helpers import assert_refused, unchanged

from .fapiao_helpers import (
    BUYER_USCC,
    HUNDRED_K,
    SELLER_USCC,
    digital_issued,
    digital_requested,
    fapiao_no,
    letterhead,
)

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- 价税合计大写 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("100000.00", "壹拾万元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("1001", "壹仟零壹元整"),
        ("1010.50", "壹仟零壹拾元伍角"),
        ("10010000.5", "壹仟零壹万元伍角"),
        ("100000000", "壹亿元整"),
        ("100000010.01", "壹亿零壹拾元零壹分"),
        ("20", "贰拾元整"),
        ("-300", "（负数）叁佰元整"),
    ],
)
def test_amount_in_chinese_capitals(amount, words):
    assert amount_in_capitals(Decimal(amount)) == words


# --- 统一社会信用代码 (GB 32100-2015) ----------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["9144030071526726XG", "91330100799655058B", "91110000600037341L", "91350100M000100Y43"],
)
def test_valid_unified_social_credit_codes(code):
    assert is_valid_uscc(code)
    validate_uscc(code)


@pytest.mark.parametrize(
    "code",
    [
        "9144030071526726XA",  # wrong check character
        "91330100799655058",  # 17 characters
        "91330100799655058BB",  # 19
        "9133010079965505IB",  # I is not in the alphabet
        "91110000100000000X",  # check character should be R
        "91350100M000100Y4-",
    ],
)
def test_invalid_unified_social_credit_codes(code):
    assert not is_valid_uscc(code)
    with pytest.raises(ValidationError):
        validate_uscc(code)


def test_letterhead_tax_id_is_validated_with_its_check_digit():
    profile = AgencyProfile(name="X", tax_id="91310000MA1K3Y8P0A")
    with pytest.raises(ValidationError) as info:
        profile.full_clean()
    assert "tax_id" in info.value.message_dict
    profile.tax_id = SELLER_USCC
    profile.full_clean()


# --- Issuing a 数电票 --------------------------------------------------------------


def test_digital_fapiao_number_must_be_20_digits(cast):
    letterhead()
    invoice = digital_requested(cast)
    for bad in ("FP-001", "2631000000000000001", "263100000000000000012", "2631000000000000001X"):
        with unchanged(invoice):
            assert_refused(
                services.invoice_issue,
                services.ERR_DIGITAL_FAPIAO_NUMBER,
                actor=cast.finance,
                invoice=invoice,
                fapiao_number=bad,
            )
    assert not InvoiceNumberCounter.objects.filter(last__gt=0).exists()
    number = fapiao_no()
    issued = services.invoice_issue(actor=cast.finance, invoice=invoice, fapiao_number=number)
    assert issued.fapiao_number == number
    assert issued.status == Invoice.Status.ISSUED


def test_paper_fapiao_keeps_the_old_number_rule(cast, issued):
    assert issued.kind == Invoice.Kind.PAPER
    assert issued.fapiao_number == "FP-001"


def test_issue_copies_buyer_and_seller_names_and_codes(cast):
    issued = digital_issued(cast)
    assert issued.seller_name == "上海示范广告有限公司"
    assert issued.seller_tax_id == SELLER_USCC
    assert issued.tax_id == BUYER_USCC
    assert issued.client_name == cast.client.name


def test_digital_fapiao_needs_the_letterhead(cast):
    invoice = digital_requested(cast)
    with unchanged(invoice):
        assert_refused(
            services.invoice_issue,
            services.ERR_NO_LETTERHEAD,
            actor=cast.finance,
            invoice=invoice,
            fapiao_number=fapiao_no(),
        )


def test_digital_fapiao_refuses_an_invalid_buyer_code(cast):
    letterhead()
    invoice = digital_requested(cast)
    cast.client.tax_id = "91110000100000000X"  # bad check character
    cast.client.save(update_fields=["tax_id"])
    with unchanged(invoice):
        assert_refused(
            services.invoice_issue,
            services.ERR_BUYER_TAX_ID,
            actor=cast.finance,
            invoice=invoice,
            fapiao_number=fapiao_no(),
        )


def test_special_digital_fapiao_needs_the_buyer_code(cast):
    letterhead()
    invoice = digital_requested(cast)
    cast.client.tax_id = ""
    cast.client.save(update_fields=["tax_id"])
    with unchanged(invoice):
        assert_refused(
            services.invoice_issue,
            services.ERR_BUYER_TAX_ID_REQUIRED,
            actor=cast.finance,
            invoice=invoice,
            fapiao_number=fapiao_no(),
        )


# --- Tax rates are configuration -----------------------------------------------------


def test_line_tax_rate_must_be_a_configured_rate(cast):
    line = {**HUNDRED_K[0], "tax_rate": Decimal("7.00")}
    assert_refused(
        services.invoice_create,
        services.ERR_TAX_RATE,
        actor=cast.am,
        client=cast.client,
        data={},
        lines=[line],
    )
    assert not Invoice.objects.exists()
    # Finance adds the rate in the admin: now it is accepted.
    TaxRate.objects.create(rate=Decimal("7.00"), description="new rate")
    invoice = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=[line])
    assert invoice.lines.get().tax_rate == Decimal("7.00")


def test_an_inactive_rate_is_refused(cast):
    TaxRate.objects.filter(rate=Decimal("3.00")).update(is_active=False)
    line = {**HUNDRED_K[0], "tax_rate": Decimal("3.00")}
    assert_refused(
        services.invoice_create,
        services.ERR_TAX_RATE,
        actor=cast.am,
        client=cast.client,
        data={},
        lines=[line],
    )


def test_invoice_form_offers_the_configured_rates_and_refuses_others(cast, as_user):
    TaxRate.objects.create(rate=Decimal("7.50"), description="configured in the admin")
    am = as_user(cast.am)
    page = am.get(reverse("billing:invoice_create")).content.decode()
    assert 'value="7.50"' in page
    assert 'value="6.00" selected' in page  # the default rate
    data = {
        "client": cast.client.pk,
        "currency": "CNY",
        "kind": "digital_special",
        "note_to_finance": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "品牌推广服务费",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "1000",
        "lines-0-tax_rate": "8",
    }
    response = am.post(reverse("billing:invoice_create"), data)
    assert response.status_code == 200
    assert "Choose a tax rate from the list." in response.content.decode()
    assert not Invoice.objects.exists()
    response = am.post(reverse("billing:invoice_create"), {**data, "lines-0-tax_rate": "7.50"})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.kind == Invoice.Kind.DIGITAL_SPECIAL
    assert invoice.lines.get().tax_rate == Decimal("7.50")


def test_new_invoice_form_offers_digital_fapiao_first(cast, as_user):
    page = as_user(cast.am).get(reverse("billing:invoice_create")).content.decode()
    assert 'value="digital_ordinary" selected' in page


# --- The page and the PDF -------------------------------------------------------------


def test_capitals_kind_and_letterhead_on_the_page_and_the_pdf(cast, as_user):
    lines = [{**HUNDRED_K[0], "tax_rate": Decimal("0.00")}]
    issued = digital_issued(cast, lines=lines)
    assert issued.total == Decimal("100000.00")
    page = as_user(cast.finance).get(issued.get_absolute_url()).content.decode()
    assert "壹拾万元整" in page
    assert str(Invoice.Kind.DIGITAL_SPECIAL.label) in page
    text = _text(services.invoice_document_bytes(issued))
    for expected in (
        "壹拾万元整",
        "上海示范广告有限公司",
        SELLER_USCC,
        BUYER_USCC,
        "招商银行上海分行",
        "1219 0888 8810 001",
        issued.fapiao_number,
    ):
        assert expected in text.replace("\n", " "), expected


def test_capitals_are_shown_only_for_yuan(cast, as_user):
    cast.client.currency = "USD"
    cast.client.save(update_fields=["currency"])
    invoice = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=HUNDRED_K)
    assert invoice.currency == "USD"
    page = as_user(cast.am).get(invoice.get_absolute_url()).content.decode()
    assert 'id="invoice-capitals"' not in page


# --- Voiding only before issue for a 数电票 ----------------------------------------------


def test_voiding_an_issued_digital_fapiao_is_refused(cast, as_user):
    issued = digital_issued(cast)
    with unchanged(issued):
        assert_refused(
            services.invoice_void,
            services.ERR_VOID_DIGITAL_ISSUED,
            actor=cast.finance,
            invoice=issued,
            reason="wrong amount",
        )
    finance = as_user(cast.finance)
    page = finance.get(issued.get_absolute_url()).content.decode()
    assert 'id="void"' not in page  # no void form, the red-letter form instead
    assert 'id="issue-red-letter"' in page
    response = finance.post(
        reverse("billing:invoice_void", args=[issued.pk]), {"void-reason": "x"}, follow=True
    )
    assert str(services.ERR_VOID_DIGITAL_ISSUED) in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.ISSUED


def test_a_paper_invoice_is_still_voided(cast, issued):
    voided = services.invoice_void(actor=cast.finance, invoice=issued, reason="duplicate")
    assert voided.status == Invoice.Status.VOID


# --- Configuration in the admin -----------------------------------------------------------


def test_finance_edits_tax_rates_and_the_letterhead_in_the_admin(client):
    from tests.factories import UserFactory

    finance = UserFactory(role="finance", is_staff=True)
    client.force_login(finance)
    response = client.post(
        reverse("admin:billing_taxrate_add"),
        {"rate": "5.00", "description": "新税率", "is_active": "on"},
    )
    assert response.status_code == 302
    assert TaxRate.objects.filter(rate=Decimal("5.00"), is_active=True).exists()
    letter = {
        "name": "上海示范广告有限公司",
        "address": "上海",
        "phone": "",
        "tax_id": "91310000MA1K3Y8P0A",  # wrong check character
        "bank": "招商银行",
        "bank_account": "1219",
    }
    response = client.post(reverse("admin:billing_agencyprofile_add"), letter)
    assert response.status_code == 200  # the form error, nothing saved
    assert not AgencyProfile.objects.exists()
    response = client.post(
        reverse("admin:billing_agencyprofile_add"), {**letter, "tax_id": SELLER_USCC}
    )
    assert response.status_code == 302
    assert AgencyProfile.current().tax_id == SELLER_USCC
    # One letterhead: no second one.
    assert client.get(reverse("admin:billing_agencyprofile_add")).status_code == 403

    am = UserFactory(role="am", is_staff=True)
    client.force_login(am)
    response = client.post(reverse("admin:billing_taxrate_add"), {"rate": "4.00"})
    assert response.status_code == 403
    assert not TaxRate.objects.filter(rate=Decimal("4.00")).exists()
