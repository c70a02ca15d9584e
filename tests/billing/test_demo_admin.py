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
