import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from billing.models import CostRate, Invoice, InvoiceLine, Payment, TimeEntry
from tests.factories import ClientFactory, UserFactory


class InvoiceFactory(DjangoModelFactory):
    """A draft by default; pass status/number/dates for issued ones."""

    class Meta:
        model = Invoice

    client = factory.SubFactory(ClientFactory)
    created_by = factory.SubFactory(UserFactory)
    subtotal = Decimal("1000.00")
    tax_amount = Decimal("60.00")
    total = Decimal("1060.00")


class IssuedInvoiceFactory(InvoiceFactory):
    status = Invoice.Status.ISSUED
    number_year = 2027
    number_seq = factory.Sequence(lambda n: 9000 + n)
    number = factory.LazyAttribute(lambda o: f"INV-{o.number_year}-{o.number_seq:04d}")
    fapiao_number = factory.Sequence(lambda n: f"FP{n:08d}")
    issue_date = dt.date(2027, 1, 10)
    due_date = factory.LazyAttribute(lambda o: o.issue_date + dt.timedelta(days=30))
    client_name = factory.LazyAttribute(lambda o: o.client.name)
    invoice_title = factory.LazyAttribute(lambda o: o.client.invoice_title)
    tax_id = factory.LazyAttribute(lambda o: o.client.tax_id)


class InvoiceLineFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    description = factory.Sequence(lambda n: f"Line {n}")
    quantity = Decimal("1.00")
    unit_price = Decimal("1000.00")
    tax_rate = Decimal("6.00")


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(IssuedInvoiceFactory)
    date = dt.date(2027, 2, 1)
    amount = Decimal("100.00")
    recorded_by = factory.SubFactory(UserFactory)


class CostRateFactory(DjangoModelFactory):
    class Meta:
        model = CostRate

    role = "am"
    rate = Decimal("300.00")
    effective_from = dt.date(2020, 1, 1)


class TimeEntryFactory(DjangoModelFactory):
    class Meta:
        model = TimeEntry

    user = factory.SubFactory(UserFactory)
    role = factory.LazyAttribute(lambda o: o.user.role)
    client = factory.SubFactory(ClientFactory)
    date = dt.date(2027, 3, 1)
    hours = Decimal("2.00")
    activity = TimeEntry.Activity.MEETING
