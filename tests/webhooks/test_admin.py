"""The delivery log and subscriptions in the Django admin: administrators only."""

import pytest
from django.urls import reverse

from agency.roles import Role
from tests.factories import UserFactory
from webhooks import services
from webhooks.models import Delivery, Subscription

from .test_delivery import issue, subscribe


@pytest.fixture
def requested(cast):
    from billing import services as billing
    from tests.billing.conftest import LINES

    invoice = billing.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
    return billing.invoice_request(actor=cast.am, invoice=invoice)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-1", role=Role.ADMIN, is_staff=True)


def test_the_admin_reads_the_log_and_resends_from_it(
    as_user, admin_user, cast, requested, receiver, published
):
    receiver.status = 500
    subscribe(cast.finance, receiver.url)
    issue(cast, requested, published)
    delivery = Delivery.objects.get()
    web = as_user(admin_user)
    page = web.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).content.decode()
    assert delivery.event_id in page
    assert page.count("HTTP 500") == services.MAX_ATTEMPTS  # every attempt is in the log
    receiver.status = 200
    with published():
        web.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "resend", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED


def test_the_admin_subscribes_with_a_checked_url(as_user, admin_user, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    web = as_user(admin_user)
    url = reverse("admin:webhooks_subscription_add")
    data = {"owner": admin_user.pk, "url": "http://example.com/h", "events": ["plan.approved"]}
    page = web.post(url, data)
    assert page.status_code == 200  # the form again, with the error
    assert not Subscription.objects.exists()
    data["url"] = "https://example.com/h"
    assert web.post(url, data).status_code == 302
    assert Subscription.objects.get().events == ["plan.approved"]


def test_other_staff_do_not_see_webhooks(as_user, cast):
    md = cast.md
    md.is_staff = True
    md.save(update_fields=["is_staff"])
    web = as_user(md)
    assert web.get(reverse("admin:webhooks_delivery_changelist")).status_code == 403
    assert web.get(reverse("admin:webhooks_subscription_add")).status_code == 403
