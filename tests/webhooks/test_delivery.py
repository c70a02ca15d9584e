import itertools
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from agency.events import Event, publish
from agency.models import Notification
from agency.roles import Role
from billing import services as billing
from tests.billing.conftest import LINES
from tests.factories import UserFactory
from tests.helpers import assert_refused
from webhooks import services
from webhooks.models import Attempt, Delivery, Subscription


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-1", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def requested(cast):
    invoice = billing.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    return billing.invoice_request(actor=cast.am, invoice=invoice)


def subscribe(owner, url, events=("invoice.issued",)):
    return Subscription.objects.create(owner=owner, url=url, events=list(events))


def issue(cast, invoice, published, number="FP-001"):
    with published():
        return billing.invoice_issue(actor=cast.finance, invoice=invoice, fapiao_number=number)


def test_issuing_an_invoice_delivers_one_webhook_the_receiver_verifies(
    cast, requested, receiver, published
):
    sub = subscribe(cast.finance, receiver.url)
    invoice = issue(cast, requested, published)

    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    payload = Webhook(sub.secret).verify(req["body"], req["headers"])
    assert payload["type"] == "invoice.issued"
    assert payload["data"]["id"] == invoice.pk
    assert payload["data"]["number"] == invoice.number
    delivery = Delivery.objects.get()
    assert req["headers"]["webhook-id"] == delivery.event_id
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert list(delivery.attempts.values_list("status_code", "succeeded")) == [(200, True)]


def test_a_tampered_body_does_not_verify(cast, requested, receiver, published):
    sub = subscribe(cast.finance, receiver.url)
    issue(cast, requested, published)
    req = receiver.requests[0]
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(sub.secret).verify(req["body"].replace("invoice", "Invoice"), req["headers"])


def test_a_receiver_answering_500_gets_retries_visible_in_the_log(
    cast, requested, receiver, published
):
    receiver.status = 500
    subscribe(cast.finance, receiver.url)
    issue(cast, requested, published)

    delivery = Delivery.objects.get()
    attempts = list(delivery.attempts.order_by("number"))
    assert len(attempts) == services.MAX_ATTEMPTS
    assert [a.number for a in attempts] == list(range(1, services.MAX_ATTEMPTS + 1))
    assert {a.status_code for a in attempts} == {500}
    assert not any(a.succeeded for a in attempts)
    assert delivery.status == Delivery.Status.FAILED
    # The same id on every retry: receivers deduplicate on it.
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {delivery.event_id}
    assert len(receiver.requests) == services.MAX_ATTEMPTS


def test_backoff_grows_exponentially():
    delays = [services.backoff_seconds(n) for n in range(1, services.MAX_ATTEMPTS)]
    assert delays[:3] == [10, 40, 160]
    assert all(b > a for a, b in itertools.pairwise(delays) if b < 6 * 3600)


def test_ten_failures_in_a_row_disable_the_subscription_and_notify_the_admin(
    cast, requested, receiver, published, admin_user
):
    receiver.status = 500
    sub = subscribe(admin_user, receiver.url, events=["invoice.issued", "invoice.paid"])
    invoice = issue(cast, requested, published)  # 8 failed attempts
    sub.refresh_from_db()
    assert sub.is_active and sub.consecutive_failures == services.MAX_ATTEMPTS

    with published():  # the payment that makes it paid: 2 more failures, the 10th disables
        billing.payment_record(
            actor=cast.finance,
            invoice=invoice,
            date=invoice.issue_date,
            amount=invoice.total,
        )

    sub.refresh_from_db()
    assert not sub.is_active
    assert sub.disabled_at is not None
    assert Attempt.objects.count() == services.MAX_CONSECUTIVE_FAILURES
    assert Notification.objects.filter(
        recipient=admin_user, kind="webhooks/subscription_disabled"
    ).exists()
    # A disabled subscription gets nothing more.
    with published():
        publish("invoice.issued", invoice)
    assert Attempt.objects.count() == services.MAX_CONSECUTIVE_FAILURES


def test_a_success_resets_the_failure_count(cast, requested, receiver, published):
    sub = subscribe(cast.finance, receiver.url)
    Subscription.objects.filter(pk=sub.pk).update(consecutive_failures=9)
    issue(cast, requested, published)
    sub.refresh_from_db()
    assert sub.is_active and sub.consecutive_failures == 0


def test_the_same_event_is_delivered_once_per_subscription(cast, requested, receiver, published):
    subscribe(cast.finance, receiver.url)
    other = subscribe(cast.md, receiver.url)
    invoice = issue(cast, requested, published)
    event = Event(name="invoice.issued", model="billing.invoice", pk=invoice.pk)
    services.event_received(event)
    services.event_received(event)  # delivered twice by mistake
    assert Delivery.objects.filter(event_id=event.id).count() == 2  # one per subscription
    assert Delivery.objects.filter(event_id=event.id, subscription=other).count() == 1


def test_a_rolled_back_service_publishes_nothing(cast, requested, receiver, published):
    subscribe(cast.finance, receiver.url)

    def publish_then_fail():
        with transaction.atomic():
            publish("invoice.issued", requested)
            raise RuntimeError

    with published(), pytest.raises(RuntimeError):
        publish_then_fail()
    assert not Delivery.objects.exists()
    assert receiver.requests == []


def test_the_payload_holds_no_more_than_the_owner_may_see(cast, requested, receiver, published):
    seen_by_finance = subscribe(cast.finance, receiver.url)
    unseen_by_outsider = subscribe(cast.outsider, receiver.url)
    invoice = issue(cast, requested, published)
    bodies = {
        d.subscription_id: json.loads(d.body)["data"]
        for d in Delivery.objects.filter(event_type="invoice.issued")
    }
    assert bodies[unseen_by_outsider.pk] == {"id": invoice.pk}
    assert bodies[seen_by_finance.pk]["number"] == invoice.number
    assert Decimal(bodies[seen_by_finance.pk]["total"]) == invoice.total


def test_a_redirect_is_not_followed(cast, requested, receiver, published):
    receiver.status = 302
    receiver.headers_out = {"Location": receiver.url + "-elsewhere"}
    subscribe(cast.finance, receiver.url)
    issue(cast, requested, published)
    assert {r["path"] for r in receiver.requests} == {"/hook"}
    assert Attempt.objects.filter(status_code=302, succeeded=False).exists()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://example.com/hook", services.ERR_URL_SCHEME),
        ("ftp://example.com/hook", services.ERR_URL_SCHEME),
        ("https://10.1.2.3/hook", services.ERR_URL_HOST),
        ("https://192.168.0.1/hook", services.ERR_URL_HOST),
        ("https://localhost/hook", services.ERR_URL_HOST),
        ("https://[::1]/hook", services.ERR_URL_HOST),
        ("https://user:pw@example.com/hook", services.ERR_URL_CREDENTIALS),
    ],
)
def test_unsafe_urls_are_refused(settings, url, error):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    assert_refused(services.check_url, error, url, resolve=False)


def test_loopback_http_only_where_the_setting_allows_it(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    assert_refused(services.check_url, services.ERR_URL_SCHEME, "http://127.0.0.1:9/hook")
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    services.check_url("http://127.0.0.1:9/hook")
    services.check_url("https://example.com/hook", resolve=False)


def test_the_admin_resends_with_the_same_id(cast, requested, receiver, published, admin_user):
    receiver.status = 500
    subscribe(cast.finance, receiver.url)
    issue(cast, requested, published)
    delivery = Delivery.objects.get()
    receiver.status = 200
    with published():
        services.delivery_resend(actor=admin_user, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.attempts.count() == services.MAX_ATTEMPTS + 1
    assert receiver.requests[-1]["headers"]["webhook-id"] == delivery.event_id


def test_only_an_admin_resends(cast, requested, receiver, published):
    receiver.status = 500
    subscribe(cast.finance, receiver.url)
    issue(cast, requested, published)
    delivery = Delivery.objects.get()
    for user in (cast.md, cast.finance, cast.am):
        with pytest.raises(PermissionDenied):
            services.delivery_resend(actor=user, delivery=delivery)
    assert delivery.attempts.count() == services.MAX_ATTEMPTS


def test_subscription_create_checks_url_and_events(admin_user, cast):
    assert_refused(
        services.subscription_create,
        services.ERR_EVENTS,
        actor=admin_user,
        owner=admin_user,
        url="https://example.com/h",
        events=[],
    )
    assert_refused(
        services.subscription_create,
        services.ERR_UNKNOWN_EVENT,
        actor=admin_user,
        owner=admin_user,
        url="https://example.com/h",
        events=["invoice.deleted"],
    )
    with pytest.raises(PermissionDenied):
        services.subscription_create(
            actor=cast.md, owner=cast.md, url="https://example.com/h", events=["plan.approved"]
        )
    assert not Subscription.objects.exists()
    sub = services.subscription_create(
        actor=admin_user, owner=cast.md, url="https://example.com/h", events=["plan.approved"]
    )
    assert sub.secret.startswith("whsec_")
