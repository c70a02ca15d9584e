"""Who may see and do what with invoices (PERMISSIONS.md), and that a refusal
changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice, InvoiceNumberCounter, Payment

pytestmark = pytest.mark.django_db

SEE_ALL = ("finance", "md", "bd")
ACCOUNT = ("ad", "am", "ae")
HIDDEN = ("cd", "copywriter", "planner", "media", "traffic", "outsider")


def _state(invoice):
    invoice.refresh_from_db()
    return (
        invoice.status,
        invoice.number,
        invoice.fapiao_number,
        invoice.amount_paid,
        invoice.void_reason,
        Payment.objects.count(),
        InvoiceNumberCounter.objects.count(),
    )


@pytest.mark.parametrize("who", SEE_ALL + ACCOUNT)
def test_invoice_detail_visible_to_finance_md_bd_and_account_service(cast, as_user, draft, who):
    for name in ("billing:invoice_detail", "billing:invoice_pdf"):
        response = as_user(getattr(cast, who)).get(reverse(name, args=[draft.pk]))
        assert response.status_code == 200


@pytest.mark.parametrize("who", HIDDEN)
def test_invoice_pages_are_404_for_everyone_else(cast, as_user, issued, who):
    c = as_user(getattr(cast, who))
    before = _state(issued)
    for name in ("invoice_detail", "invoice_pdf", "invoice_edit"):
        assert c.get(reverse(f"billing:{name}", args=[issued.pk])).status_code == 404
    for name in (
        "invoice_request",
        "invoice_issue",
        "payment_add",
        "invoice_void",
        "invoice_return",
    ):
        assert c.post(reverse(f"billing:{name}", args=[issued.pk]), {}).status_code == 404
    assert _state(issued) == before


@pytest.mark.parametrize("who", HIDDEN)
def test_creatives_and_outsiders_get_404_on_lists_and_reports(cast, as_user, who):
    c = as_user(getattr(cast, who))
    if who == "outsider":
        # An AM on another client's team sees billing, but not this client's.
        assert c.get(reverse("billing:invoice_list")).status_code == 200
        return
    for name in ("invoice_list", "ageing", "profitability"):
        assert c.get(reverse(f"billing:{name}")).status_code == 404
    assert c.get(reverse("billing:ageing_export", args=["csv"])).status_code == 404


def test_outsider_sees_no_invoice_of_another_client(cast, as_user, issued):
    c = as_user(cast.outsider)
    response = c.get(reverse("billing:invoice_list"))
    assert issued.number not in response.content.decode()
    response = c.get(reverse("billing:ageing_export", args=["csv"]))
    assert "Huayuan" not in response.content.decode("utf-8-sig")
    profit = c.get(reverse("billing:profitability_client", args=[cast.client.pk]))
    assert profit.status_code == 404


@pytest.mark.parametrize("who", ["am", "ad", "ae", "md", "bd"])
def test_only_finance_issues_an_invoice(cast, as_user, requested, who):
    before = _state(requested)
    response = as_user(getattr(cast, who)).post(
        reverse("billing:invoice_issue", args=[requested.pk]),
        {"fapiao_number": "F1", "issue_date": "2027-01-01"},
    )
    assert response.status_code == 403
    assert _state(requested) == before


@pytest.mark.parametrize("action", ["payment_add", "invoice_void"])
@pytest.mark.parametrize("who", ["am", "md", "bd"])
def test_only_finance_records_payments_and_voids(cast, as_user, issued, who, action):
    before = _state(issued)
    response = as_user(getattr(cast, who)).post(
        reverse(f"billing:{action}", args=[issued.pk]),
        {"date": "2027-01-01", "amount": "1.00", "method": "bank", "void-reason": "x"},
    )
    assert response.status_code == 403
    assert _state(issued) == before


@pytest.mark.parametrize("who", ["finance", "md", "bd"])
def test_only_account_service_on_the_team_drafts_and_requests(cast, as_user, draft, who):
    c = as_user(getattr(cast, who))
    assert c.get(reverse("billing:invoice_create")).status_code == 403
    assert c.get(reverse("billing:invoice_edit", args=[draft.pk])).status_code == 403
    assert c.post(reverse("billing:invoice_request", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT


def test_an_am_posting_a_status_or_number_on_edit_is_ignored(cast, as_user, draft):
    c = as_user(cast.am)
    data = {
        "currency": "CNY",
        "note_to_finance": "PO 123",
        "status": "paid",
        "number": "INV-2027-9999",
        "amount_paid": "99999",
        "fapiao_number": "HACK",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Fee",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "500.00",
        "lines-0-tax_rate": "6",
    }
    response = c.post(reverse("billing:invoice_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.note_to_finance == "PO 123"
    assert draft.status == Invoice.Status.DRAFT
    assert draft.number is None
    assert draft.fapiao_number == ""
    assert draft.amount_paid == Decimal("0.00")
    assert draft.total == Decimal("530.00")


def test_an_am_posting_issue_is_refused_and_nothing_changes(cast, as_user, requested):
    before = _state(requested)
    response = as_user(cast.am).post(
        reverse("billing:invoice_issue", args=[requested.pk]),
        {"fapiao_number": "F1", "issue_date": timezone.localdate().isoformat(), "status": "issued"},
    )
    assert response.status_code == 403
    assert _state(requested) == before


def test_wrong_state_actions_are_refused_with_a_message_not_a_500(cast, as_user, draft):
    c = as_user(cast.finance)
    for name, data in [
        ("invoice_issue", {"fapiao_number": "F1", "issue_date": "2020-01-01"}),
        ("payment_add", {"date": "2020-01-01", "amount": "1.00", "method": "bank"}),
        ("invoice_void", {"void-reason": "x"}),
        ("invoice_return", {"return-reason": "x"}),
    ]:
        response = c.post(reverse(f"billing:{name}", args=[draft.pk]), data, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT


def test_bad_ids_are_404(cast, as_user):
    c = as_user(cast.finance)
    assert c.get("/billing/invoices/999999/").status_code == 404
    assert c.get("/billing/invoices/99999999999999999999999/").status_code == 404
    assert c.get("/billing/profitability/99999999999999999999/").status_code == 404
    assert c.get("/billing/receivables/export.pdf").status_code == 404


def test_the_requester_is_offered_no_issue_and_a_posted_issue_is_refused(cast, as_user):
    """Finance on a team as account service (however it got there) requested
    the invoice: the page offers no issue form and a hand-made POST is refused
    with a message, nothing changed."""
    from accounts.models import TeamMembership
    from billing import services

    from .conftest import LINES

    TeamMembership.objects.create(client=cast.client, user=cast.finance, team_role="am")
    invoice = services.invoice_create(actor=cast.finance, client=cast.client, data={}, lines=LINES)
    services.invoice_request(actor=cast.finance, invoice=invoice)
    c = as_user(cast.finance)
    page = c.get(reverse("billing:invoice_detail", args=[invoice.pk]))
    assert page.context["may_issue"] is False
    assert 'id="issuer-is-requester"' in page.content.decode()
    assert 'id="issue-invoice"' not in page.content.decode()
    before = _state(invoice)
    response = c.post(
        reverse("billing:invoice_issue", args=[invoice.pk]),
        {"fapiao_number": "F1", "issue_date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [str(services.ERR_ISSUER_IS_REQUESTER)]
    assert _state(invoice) == before
