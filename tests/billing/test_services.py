import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from accounts.models import Client
from agency.errors import DomainError
from agency.timeline import timeline_for
from billing import services
from billing.models import Invoice, InvoiceNumberCounter, Payment
from tests.helpers import assert_refused, unchanged

from .conftest import LINES

pytestmark = pytest.mark.django_db


def test_invoice_totals_are_decimal_and_rounded_per_line(draft):
    assert draft.subtotal == Decimal("10999.99")
    assert draft.tax_amount == Decimal("660.00")
    assert draft.total == Decimal("11659.99")
    assert isinstance(draft.total, Decimal)
    assert draft.status == Invoice.Status.DRAFT
    assert draft.number is None


def test_invoice_create_refuses_creatives_and_outsiders(cast):
    for user in (cast.copywriter, cast.cd, cast.finance, cast.outsider, cast.md):
        with pytest.raises(PermissionDenied):
            services.invoice_create(actor=user, client=cast.client, data={}, lines=LINES)
    assert not Invoice.objects.exists()


def test_invoice_request_notifies_finance_and_records_timeline(
    cast, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_request(actor=cast.ae, invoice=draft)
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.REQUESTED
    assert draft.requested_by == cast.ae
    assert draft.requested_at is not None
    assert [m.to for m in mailoutbox] == [[cast.finance.email]]
    mail = mailoutbox[0]
    assert "Please issue an invoice to Huayuan" in mail.subject
    assert "11,659.99" in mail.subject
    assert "Cast ae asks finance to issue an invoice to Huayuan" in mail.body
    html = mail.alternatives[0][0]
    assert "asks finance to issue an invoice" in html
    assert [e.action for e in timeline_for(draft)] == ["created", "requested"]


def test_invoice_request_refuses_an_empty_draft(cast):
    invoice = services.invoice_create(
        actor=cast.am,
        client=cast.client,
        data={},
        lines=[{**LINES[0], "unit_price": Decimal("0")}],
    )
    with pytest.raises(DomainError) as e:
        services.invoice_request(actor=cast.am, invoice=invoice)
    assert e.value.message == services.ERR_NO_LINES
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT


@time_machine.travel(dt.datetime(2027, 3, 5, 10, 0, tzinfo=dt.UTC), tick=False)
def test_invoice_issue_numbers_dates_and_copies_the_client_title(
    cast, requested, mailoutbox, django_capture_on_commit_callbacks
):
    cast.client.payment_terms_days = 45
    cast.client.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.invoice_issue(
            actor=cast.finance, invoice=requested, fapiao_number=" 04400123 "
        )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.number == "INV-2027-0001"
    assert (invoice.number_year, invoice.number_seq) == (2027, 1)
    assert invoice.fapiao_number == "04400123"
    assert invoice.issue_date == dt.date(2027, 3, 5)
    assert invoice.due_date == dt.date(2027, 4, 19)
    assert invoice.invoice_title == "Huayuan Properties Ltd."
    assert invoice.tax_id == cast.client.tax_id
    assert InvoiceNumberCounter.objects.get(year=2027).last == 1
    # The client's later edits do not change the issued invoice.
    Client.objects.filter(pk=cast.client.pk).update(invoice_title="Renamed", tax_id="X")
    invoice.refresh_from_db()
    assert invoice.invoice_title == "Huayuan Properties Ltd."
    # The requester (AM, also the lead) is told once.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [cast.am.email]
    assert "Invoice INV-2027-0001 to Huayuan issued" in mailoutbox[0].subject
    assert "fapiao 04400123" in mailoutbox[0].body
    assert "2027-04-19" in mailoutbox[0].alternatives[0][0]


@time_machine.travel(dt.datetime(2027, 12, 31, 15, 59, tzinfo=dt.UTC), tick=False)
def test_invoice_numbers_restart_each_year_and_follow_the_issue_date(cast):
    numbers = []
    for day in (dt.date(2026, 12, 30), dt.date(2027, 12, 31), dt.date(2027, 12, 31)):
        inv = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
        services.invoice_request(actor=cast.am, invoice=inv)
        numbers.append(
            services.invoice_issue(
                actor=cast.finance, invoice=inv, fapiao_number=f"F{len(numbers)}", issue_date=day
            ).number
        )
    assert numbers == ["INV-2026-0001", "INV-2027-0001", "INV-2027-0002"]


def test_invoice_issue_refuses_account_people_and_wrong_states(cast, draft):
    with pytest.raises(DomainError) as e:
        services.invoice_issue(actor=cast.finance, invoice=draft, fapiao_number="F")
    assert e.value.message == services.ERR_NOT_REQUESTED
    services.invoice_request(actor=cast.am, invoice=draft)
    for user in (cast.am, cast.ad, cast.md, cast.bd):
        with pytest.raises(PermissionDenied):
            services.invoice_issue(actor=user, invoice=draft, fapiao_number="F")
    with pytest.raises(DomainError) as e:
        services.invoice_issue(actor=cast.finance, invoice=draft, fapiao_number="  ")
    assert e.value.message == services.ERR_FAPIAO_REQUIRED
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.REQUESTED
    assert draft.number is None
    assert not InvoiceNumberCounter.objects.exists()


def test_a_failed_issue_leaves_no_gap(cast, requested, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(services, "timeline_record", boom)
    with pytest.raises(RuntimeError):
        services.invoice_issue(actor=cast.finance, invoice=requested, fapiao_number="F")
    monkeypatch.undo()
    requested.refresh_from_db()
    assert requested.status == Invoice.Status.REQUESTED
    issued = services.invoice_issue(actor=cast.finance, invoice=requested, fapiao_number="F")
    assert issued.number_seq == 1


def test_partial_payments_add_up_to_paid(cast, issued):
    services.payment_record(
        actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("0.99")
    )
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.ISSUED
    assert issued.open_amount == Decimal("11659.00")
    services.payment_record(
        actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 2), amount=Decimal("11659.00")
    )
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.PAID
    assert issued.amount_paid == issued.total == Decimal("11659.99")
    assert issued.paid_at is not None
    assert [e.action for e in timeline_for(issued)][-2:] == ["payment", "paid"]


def test_a_payment_above_the_open_amount_is_refused(cast, issued):
    services.payment_record(
        actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("11000.00")
    )
    with pytest.raises(DomainError) as e:
        services.payment_record(
            actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("659.999")
        )
    # 659.999 rounds to 660.00, one cent above the 659.99 still open.
    assert "659.99" in str(e.value)
    assert "CNY 659.99" in str(e.value)  # the currency is shown with the amount
    issued.refresh_from_db()
    assert issued.amount_paid == Decimal("11000.00")
    assert issued.status == Invoice.Status.ISSUED
    assert Payment.objects.count() == 1


def test_money_never_passes_through_float(cast, issued):
    with pytest.raises(TypeError):
        services.payment_record(
            actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=0.1
        )
    assert not Payment.objects.exists()


def test_payments_refused_to_others_and_on_unissued_invoices(cast, issued):
    draft = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    for user in (cast.am, cast.md, cast.bd):
        with pytest.raises(PermissionDenied):
            services.payment_record(
                actor=user, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("1")
            )
    with pytest.raises(DomainError):
        services.payment_record(
            actor=cast.finance, invoice=draft, date=dt.date(2027, 1, 1), amount=Decimal("1")
        )
    with pytest.raises(DomainError):
        services.payment_record(
            actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("0")
        )
    assert not Payment.objects.exists()


def test_void_keeps_the_row_and_number_and_needs_a_reason(
    cast, issued, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError) as e:
        services.invoice_void(actor=cast.finance, invoice=issued, reason="  ")
    assert e.value.message == services.ERR_REASON_REQUIRED
    with pytest.raises(PermissionDenied):
        services.invoice_void(actor=cast.am, invoice=issued, reason="wrong")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_void(actor=cast.finance, invoice=issued, reason="Wrong tax rate")
    assert [m.to for m in mailoutbox] == [[cast.am.email]]
    assert mailoutbox[0].subject == f"Invoice {issued.number} voided"
    assert "Reason: Wrong tax rate" in mailoutbox[0].body
    assert "Wrong tax rate" in mailoutbox[0].alternatives[0][0]
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.VOID
    assert issued.number == f"INV-{issued.number_year}-0001"
    assert issued.void_reason == "Wrong tax rate"
    with pytest.raises(DomainError):
        services.payment_record(
            actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("1")
        )
    # The next issued invoice takes the next number: the voided one stays used.
    inv = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    services.invoice_request(actor=cast.am, invoice=inv)
    assert (
        services.invoice_issue(actor=cast.finance, invoice=inv, fapiao_number="F").number_seq == 2
    )


def test_void_refused_once_payments_are_recorded(cast, issued):
    services.payment_record(
        actor=cast.finance, invoice=issued, date=dt.date(2027, 1, 1), amount=Decimal("1.00")
    )
    with pytest.raises(DomainError) as e:
        services.invoice_void(actor=cast.finance, invoice=issued, reason="x")
    assert e.value.message == services.ERR_VOID_HAS_PAYMENTS


def test_finance_returns_a_request_with_a_reason(
    cast, requested, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError):
        services.invoice_return(actor=cast.finance, invoice=requested, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_return(actor=cast.finance, invoice=requested, reason="PO number missing")
    requested.refresh_from_db()
    assert requested.status == Invoice.Status.DRAFT
    assert "PO number missing" in mailoutbox[0].body
    assert "PO number missing" in mailoutbox[0].alternatives[0][0]
    assert "returned" in mailoutbox[0].subject


def test_invoice_update_only_in_draft(cast, requested):
    with pytest.raises(DomainError) as e:
        services.invoice_update(actor=cast.am, invoice=requested, data={}, lines=LINES[:1])
    assert e.value.message == services.ERR_NOT_DRAFT
    assert requested.lines.count() == 2


def test_a_fapiao_number_already_used_is_refused_and_takes_no_number(cast, issued):
    second = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    services.invoice_request(actor=cast.am, invoice=second)
    with pytest.raises(DomainError) as e:
        services.invoice_issue(actor=cast.finance, invoice=second, fapiao_number=" FP-001 ")
    assert str(e.value) == f"Fapiao number FP-001 is already on invoice {issued.number}."
    second.refresh_from_db()
    assert (second.status, second.number) == (Invoice.Status.REQUESTED, None)
    assert InvoiceNumberCounter.objects.get().last == 1
    second = services.invoice_issue(actor=cast.finance, invoice=second, fapiao_number="FP-002")
    assert second.number_seq == 2


def test_whoever_drafted_or_requested_an_invoice_cannot_issue_it(cast):
    """Issue 18: finance put on a team as account service could draft, request
    and issue the same invoice. The issuer is never the drafter or requester."""
    from accounts.models import TeamMembership

    # given: finance on the team as an AM (however it got there), and an AM
    TeamMembership.objects.create(client=cast.client, user=cast.finance, team_role="am")
    own = services.invoice_create(actor=cast.finance, client=cast.client, data={}, lines=LINES)
    services.invoice_request(actor=cast.finance, invoice=own)
    drafted = services.invoice_create(actor=cast.finance, client=cast.client, data={}, lines=LINES)
    services.invoice_request(actor=cast.am, invoice=drafted)
    for invoice in (own, drafted):
        invoice.refresh_from_db()
        # when / then: refused with the segregation error, nothing changed
        with unchanged(invoice):
            assert_refused(
                services.invoice_issue,
                services.ERR_ISSUER_IS_REQUESTER,
                actor=cast.finance,
                invoice=invoice,
                fapiao_number="SEG-1",
            )
    assert not InvoiceNumberCounter.objects.exists()
    # another finance person issues it
    from tests.factories import UserFactory

    other = UserFactory(role="finance")
    assert services.invoice_issue(actor=other, invoice=own, fapiao_number="SEG-1").number


def test_a_fapiao_number_is_unique_in_the_database_across_years(cast, issued):
    from django.db import IntegrityError, transaction

    from .factories import IssuedInvoiceFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedInvoiceFactory(client=cast.client, created_by=cast.am, fapiao_number="FP-001")
    # blank (not yet issued) is not a number: many drafts have it
    IssuedInvoiceFactory(client=cast.client, created_by=cast.am, fapiao_number="")
    IssuedInvoiceFactory(client=cast.client, created_by=cast.am, fapiao_number="")
