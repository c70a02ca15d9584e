"""Factories for the objects reminders are about (invoices, meetings, plans, briefs).

They build rows directly (not through the apps' services) so a reminder test
sets up exactly the state a rule reads: an issued invoice due on a date, a
presentation with or without a held rehearsal...
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from billing.models import Invoice
from meetings.models import ActionItem, Attendee, Meeting, Presentation, PresentationRound

from ..factories import ClientFactory, UserFactory


def aware(y, m, d, hh=0, mm=0) -> dt.datetime:
    """A moment in the project's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))  # noqa: DTZ001 - made aware here


class InvoiceFactory(DjangoModelFactory):
    class Meta:
        model = Invoice

    client = factory.SubFactory(ClientFactory)
    created_by = factory.SubFactory(UserFactory)
    status = Invoice.Status.ISSUED
    subtotal = Decimal("10000.00")
    tax_amount = Decimal("600.00")
    total = Decimal("10600.00")

    number = factory.Sequence(lambda n: f"T{n:08d}")
    number_year = 2026
    number_seq = factory.Sequence(lambda n: n + 1)
    due_date = dt.date(2026, 3, 31)
    issue_date = factory.LazyAttribute(lambda o: o.due_date - dt.timedelta(days=30))


def requested_invoice(client, by, at) -> Invoice:
    return InvoiceFactory(
        client=client,
        created_by=by,
        requested_by=by,
        requested_at=at,
        status=Invoice.Status.REQUESTED,
        number=None,
        number_year=None,
        number_seq=None,
        due_date=None,
        issue_date=None,
    )


def meeting(client, organiser, start, **kw) -> Meeting:
    defaults = {
        "kind": Meeting.Kind.CLIENT,
        "title": "Weekly status",
        "purpose": "Agree next steps",
        "duration_minutes": 60,
    }
    defaults.update(kw)
    return Meeting.objects.create(
        client=client, organiser=organiser, created_by=organiser, start=start, **defaults
    )


def presentation_meeting(client, organiser, start, presenters=()) -> Meeting:
    m = meeting(client, organiser, start, kind=Meeting.Kind.PRESENTATION, title="Phase II launch")
    p = Presentation.objects.create(client=client, title="Phase II launch", created_by=organiser)
    r = PresentationRound.objects.create(presentation=p, number=1, meeting=m)
    r.presenters.set(presenters)
    return m


def rehearsal(presentation: Meeting, organiser, start, attendees=(), **kw) -> Meeting:
    r = meeting(
        presentation.client,
        organiser,
        start,
        kind=Meeting.Kind.REHEARSAL,
        title="Rehearsal: Phase II launch",
        rehearsal_for=presentation,
        **kw,
    )
    for user in attendees:
        Attendee.objects.create(meeting=r, user=user)
    return r


def action_item(m: Meeting, owner, due_date, **kw) -> ActionItem:
    return ActionItem.objects.create(
        meeting=m,
        client=m.client,
        owner=owner,
        due_date=due_date,
        text="Send the floor plans",
        **kw,
    )
