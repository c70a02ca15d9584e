import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.models import CostRate, Invoice, InvoiceNumberCounter, Payment, TimeEntry
from billing.selectors import ageing_report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_every_state_across_the_buckets_without_duplicates():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Invoice.objects.count(),
        TimeEntry.objects.count(),
        CostRate.objects.count(),
        Payment.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Invoice.objects.count(),
        TimeEntry.objects.count(),
        CostRate.objects.count(),
        Payment.objects.count(),
    ) == counts
    assert set(Invoice.objects.values_list("status", flat=True)) == set(Invoice.Status.values)
    assert counts[1] > 100  # a few months of time
    finance = Invoice.objects.filter(issued_by__isnull=False).first().issued_by
    report = ageing_report(finance)
    assert all(report.totals.amounts[k] > 0 for k in report.totals.amounts)
    # numbers are gapless per year and the counter agrees
    for counter in InvoiceNumberCounter.objects.all():
        seqs = sorted(
            Invoice.objects.filter(number_year=counter.year).values_list("number_seq", flat=True)
        )
        assert seqs == list(range(1, counter.last + 1))
    # paid invoices are backed by payments that add up
    for inv in Invoice.objects.filter(amount_paid__gt=0):
        assert sum(p.amount for p in inv.payments.all()) == inv.amount_paid


def test_seed_scale_bulk_inserts_invoices_and_time():
    call_command("seed_demo", stdout=io.StringIO())
    before = Invoice.objects.count(), TimeEntry.objects.count()
    from billing.demo import seed_scale

    seed_scale(stdout=io.StringIO(), n=2)
    assert Invoice.objects.count() == before[0] + 100
    assert TimeEntry.objects.count() == before[1] + 400
    for counter in InvoiceNumberCounter.objects.all():
        seqs = sorted(
            Invoice.objects.filter(number_year=counter.year).values_list("number_seq", flat=True)
        )
        assert seqs == list(range(1, counter.last + 1))


def test_finance_and_admin_edit_cost_rates_in_the_admin_others_cannot(client):
    finance = UserFactory(role="finance", is_staff=True)
    client.force_login(finance)
    response = client.post(
        reverse("admin:billing_costrate_add"),
        {"role": "am", "rate": "456.78", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 302
    assert CostRate.objects.get().rate == Decimal("456.78")
    # invoices are read-only in the admin, even for finance
    assert client.get(reverse("admin:billing_invoice_add")).status_code == 403

    am = UserFactory(role="am", is_staff=True)
    client.force_login(am)
    response = client.post(
        reverse("admin:billing_costrate_add"),
        {"role": "am", "rate": "1", "effective_from": "2027-02-01"},
    )
    assert response.status_code == 403
    assert CostRate.objects.count() == 1


def test_the_admin_cannot_move_an_invoice_out_of_its_workflow_nor_delete_it(client, cast):
    """Status, numbers, stamps and amounts of an issued invoice are read-only in
    the admin, for a superuser too; invoices are never deleted there."""
    from billing import services

    from .conftest import LINES

    invoice = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    services.invoice_request(actor=cast.am, invoice=invoice)
    invoice = services.invoice_issue(actor=cast.finance, invoice=invoice, fapiao_number="AD-1")
    admin_user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    change = reverse("admin:billing_invoice_change", args=[invoice.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert invoice.number in page.content.decode()
    form = page.context["adminform"].form
    assert not {"status", "number", "fapiao_number", "total", "issued_at"} & set(form.fields)
    before = Invoice.objects.filter(pk=invoice.pk).values().get()
    response = client.post(
        change,
        {
            "status": "paid",
            "number": "INV-2000-0001",
            "fapiao_number": "HACK",
            "total": "1.00",
            "amount_paid": "1.00",
            "issued_at_0": "2020-01-01",
            "issued_at_1": "10:00",
        },
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:billing_invoice_delete", args=[invoice.pk])).status_code == 403
    )
    response = client.post(
        reverse("admin:billing_invoice_changelist"),
        {"action": "delete_selected", "_selected_action": [invoice.pk], "post": "yes"},
    )
    assert Invoice.objects.filter(pk=invoice.pk).values().get() == before


def test_a_recorded_payment_cannot_be_edited_or_deleted_in_the_admin(client, cast):
    import datetime as dt

    from .factories import PaymentFactory

    payment = PaymentFactory(amount=Decimal("100.00"))
    admin_user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    change = reverse("admin:billing_payment_change", args=[payment.pk])
    assert client.get(change).status_code == 200
    response = client.post(
        change,
        {
            "invoice": payment.invoice_id,
            "date": "2027-02-01",
            "amount": "99999.00",
            "method": "cash",
        },
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:billing_payment_delete", args=[payment.pk])).status_code == 403
    )
    assert client.get(reverse("admin:billing_payment_add")).status_code == 403
    payment.refresh_from_db()
    assert (payment.amount, payment.method, payment.date) == (
        Decimal("100.00"),
        "bank",
        dt.date(2027, 2, 1),
    )
