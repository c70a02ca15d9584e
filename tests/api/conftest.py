"""Fixtures of the API tests: tokens for the cast and a world of objects on
the cast's client and on the other client."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from billing.models import Payment
from briefs.models import Brief
from tests.billing.factories import (
    InvoiceLineFactory,
    IssuedInvoiceFactory,
    PaymentFactory,
    TimeEntryFactory,
)
from tests.briefs.conftest import advance
from tests.briefs.factories import BriefFactory
from tests.factories import PartyFactory
from tests.meetings.factories import AttendeeFactory, MeetingFactory, presentation_meeting
from tests.plans.factories import complete_plan


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """Throttle counters live in the cache: start every test from zero, at a
    rate no permission walk reaches (the throttle test sets its own)."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "10000/min"},
    }
    yield
    cache.clear()


@pytest.fixture
def api_as(db):
    """api_as(user, scope="write") -> an APIClient with a fresh bearer token of that user."""

    def make(user, scope=ApiToken.Scope.WRITE):
        _token, raw = services.token_create(actor=user, name="tests", scope=scope)
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        c.raw_token = raw
        return c

    return make


def _side(client, team_member, organiser, cast=None):
    plan = complete_plan(client)
    draft = BriefFactory(client=client, author=team_member, title=f"{client.name} draft")
    briefed = BriefFactory(
        client=client,
        author=team_member,
        title=f"{client.name} briefed",
        strategy=plan.strategies.first(),
    )
    if cast is not None:  # through the real services, with the cast's team
        advance(briefed, cast, Brief.Status.BRIEFED)
    meeting = MeetingFactory(client=client, organiser=organiser)
    AttendeeFactory(meeting=meeting, user=organiser)
    pres_meeting, round_ = presentation_meeting(client=client, organiser=organiser)
    invoice = IssuedInvoiceFactory(client=client, created_by=team_member)
    InvoiceLineFactory(invoice=invoice)
    PaymentFactory(invoice=invoice, recorded_by=team_member, amount=Decimal("60.00"))
    invoice.amount_paid = Decimal("60.00")
    invoice.save(update_fields=["amount_paid"])
    entry = TimeEntryFactory(user=team_member, client=client, date=dt.date(2027, 3, 1))
    PartyFactory(client=client)
    return SimpleNamespace(
        client=client,
        plan=plan,
        brief=draft,
        briefed=briefed,
        meeting=meeting,
        presentation=pres_meeting,
        round=round_,
        invoice=invoice,
        entry=entry,
    )


@pytest.fixture
def world(cast):
    """One of everything on the cast's client (own) and on other_client (foreign)."""
    return SimpleNamespace(
        own=_side(cast.client, cast.ae, cast.am, cast),
        foreign=_side(cast.other_client, cast.outsider, cast.outsider),
    )


def payments_of(invoice):
    return list(Payment.objects.filter(invoice=invoice).values_list("pk", flat=True))
