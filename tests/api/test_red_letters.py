"""Invoices through the API carry their red-letter invoices (红字发票)."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.urls import reverse

from billing import services
from billing.models import RedLetterInvoice
from tests.agency.factories import aware


def test_an_invoice_lists_its_red_letter_invoices(cast, world, api_as):
    invoice = world.own.invoice
    day = invoice.issue_date + dt.timedelta(days=1)
    with time_machine.travel(aware(day.year, day.month, day.day, 10, 0), tick=False):
        red = services.red_letter_issue(
            actor=cast.finance,
            invoice=invoice,
            reason=RedLetterInvoice.Reason.DISCOUNT,
            fapiao_number="12345678901234567890",
            amount=Decimal("10.00"),
            issue_date=day,
        )
    data = api_as(cast.finance).get(reverse("api:invoice-detail", args=[invoice.pk])).data
    assert [r["number"] for r in data["red_letters"]] == [red.number]
    assert data["red_letters"][0]["total"] == "10.00"
    assert data["open_amount"] == str(invoice.total - invoice.amount_paid - Decimal("10.00"))
