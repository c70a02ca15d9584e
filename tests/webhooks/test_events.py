"""Each service publishes its event (one line in the service), after commit only."""

import json

import pytest

from billing import services as billing
from briefs.models import Brief
from meetings import services as meetings
from plans import services as plans
from tests.billing.conftest import LINES
from tests.briefs.conftest import advance
from tests.briefs.factories import BriefFactory
from tests.meetings.factories import in_days, presentation_meeting
from tests.plans.factories import complete_plan
from webhooks.models import Delivery, Subscription


def names(spy):
    return [(e.name, e.model, e.pk) for e in spy]


def test_invoice_issue_and_the_paying_payment_publish(cast, spy, published):
    invoice = billing.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    billing.invoice_request(actor=cast.am, invoice=invoice)
    with published():
        billing.invoice_issue(actor=cast.finance, invoice=invoice, fapiao_number="FP-9")
    assert names(spy) == [("invoice.issued", "billing.invoice", invoice.pk)]
    invoice.refresh_from_db()
    with published():  # a part payment: not paid yet
        billing.payment_record(
            actor=cast.finance, invoice=invoice, date=invoice.issue_date, amount=invoice.total / 2
        )
    assert len(spy) == 1
    invoice.refresh_from_db()
    with published():
        billing.payment_record(
            actor=cast.finance,
            invoice=invoice,
            date=invoice.issue_date,
            amount=invoice.open_amount,
        )
    assert names(spy)[1:] == [("invoice.paid", "billing.invoice", invoice.pk)]


def test_plan_sign_off_publishes_plan_approved(cast, spy, published):
    plan = complete_plan(cast.client)
    plans.plan_submit(actor=cast.am, plan=plan)
    plans.plan_review(actor=cast.bd, plan=plan, decision="agree", comment="OK")
    plans.plan_review(actor=cast.cd, plan=plan, decision="agree")
    plan.refresh_from_db()
    assert spy == []
    with published():
        plans.plan_sign_off(actor=cast.md, plan=plan)
    assert names(spy) == [("plan.approved", "plans.accountplan", plan.pk)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private_media"


def test_brief_sign_and_client_agreement_publish(cast, spy, published):
    brief = advance(BriefFactory(client=cast.client, author=cast.am), cast, Brief.Status.APPROVED)
    with published():
        advance(brief, cast, Brief.Status.CLIENT_AGREED)
    assert names(spy) == [
        ("brief.signed", "briefs.brief", brief.pk),
        ("brief.client_agreed", "briefs.brief", brief.pk),
    ]


def test_presentation_outcome_publishes_with_the_round(cast, spy, published, receiver):
    Subscription.objects.create(owner=cast.am, url=receiver.url, events=["presentation.outcome"])
    _meeting, round_ = presentation_meeting(
        client=cast.client, organiser=cast.am, start=in_days(-1)
    )
    with published():
        meetings.round_outcome_record(
            actor=cast.am, round=round_, outcome="accepted", client_feedback=""
        )
    assert names(spy) == [("presentation.outcome", "meetings.presentationround", round_.pk)]
    body = json.loads(Delivery.objects.get().body)
    assert body["type"] == "presentation.outcome"
    assert body["data"]["outcome"] == "accepted"
