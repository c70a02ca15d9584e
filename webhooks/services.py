"""Webhook subscriptions and deliveries (Standard Webhooks).

An event published by a service (agency.events) becomes, after its commit,
one Delivery per active subscription to it (unique on event id +
subscription), and a Celery task per delivery. Each attempt is signed afresh
(webhook-timestamp is the attempt's time; webhook-id stays the event id),
logged as an Attempt, and a failure is retried with exponential backoff up to
MAX_ATTEMPTS. MAX_CONSECUTIVE_FAILURES failed attempts in a row disable the
subscription and notify its owner and the administrators.
"""

import base64
import hashlib
import hmac
import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.events import EVENTS
from agency.notifications import notify
from agency.permissions import deny_unless
from agency.roles import Role

from .models import Attempt, Delivery, Subscription
from .payloads import event_body

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_CONSECUTIVE_FAILURES = 10
TIMEOUT_SECONDS = 10
RESPONSE_KEPT = 2000

ERR_URL_SCHEME = _("A webhook URL must start with https://.")
ERR_URL_HOST = _("A webhook URL must name a public host, not %(host)s.")
ERR_URL_CREDENTIALS = _("A webhook URL must not contain a user name or password.")
ERR_EVENTS = _("Choose at least one event.")
ERR_UNKNOWN_EVENT = _("Unknown event: %(event)s.")
ERR_SUBSCRIPTION_DISABLED = _("The subscription is disabled: enable it before resending.")


def may_manage(user) -> bool:
    """Webhook subscriptions and their delivery log: administrators (PERMISSIONS.md)."""
    return bool(user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def backoff_seconds(attempt_number: int) -> int:
    """Delay after failed attempt n: 10 s, 40 s, 160 s, ... capped at six hours."""
    return min(10 * 4 ** (attempt_number - 1), 6 * 3600)


# --- outbound URL safety ------------------------------------------------------


def _loopback_allowed() -> bool:
    # Only the tests set this (a receiver on 127.0.0.1): production sends to
    # public https hosts only, so a subscription cannot probe the internal network.
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False))


def check_url(url: str, *, resolve: bool = True) -> None:
    """Refuse a URL we must not post to: not https, credentials, a private host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.username or parts.password:
        raise DomainError(ERR_URL_CREDENTIALS)
    if _loopback_allowed() and host == "127.0.0.1" and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https":
        raise DomainError(ERR_URL_SCHEME)
    if not host:
        raise DomainError(ERR_URL_HOST, host=url)
    addresses = [host]
    if resolve:
        try:
            addresses = [info[4][0] for info in socket.getaddrinfo(host, parts.port or 443)]
        except OSError:
            addresses = []  # unresolvable now: the attempt fails and is retried
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            if host in ("localhost",) or host.endswith((".local", ".internal", ".localhost")):
                raise DomainError(ERR_URL_HOST, host=host) from None
            continue
        if not ip.is_global:
            raise DomainError(ERR_URL_HOST, host=host)


def clean_events(events) -> list[str]:
    events = [e for e in dict.fromkeys(events or [])]
    if not events:
        raise DomainError(ERR_EVENTS)
    for e in events:
        if e not in EVENTS:
            raise DomainError(ERR_UNKNOWN_EVENT, event=e)
    return events


# --- subscriptions ----------------------------------------------------------


@transaction.atomic
def subscription_create(*, actor, owner, url: str, events, description: str = "") -> Subscription:
    deny_unless(may_manage(actor))
    check_url(url, resolve=False)
    return Subscription.objects.create(
        owner=owner, url=url, events=clean_events(events), description=description
    )


@transaction.atomic
def subscription_enable(*, actor, subscription: Subscription) -> Subscription:
    """Enable again (after fixing the receiver): the failure count starts over."""
    deny_unless(may_manage(actor))
    subscription.is_active = True
    subscription.consecutive_failures = 0
    subscription.disabled_at = None
    subscription.save(update_fields=["is_active", "consecutive_failures", "disabled_at"])
    return subscription


# --- events -> deliveries ------------------------------------------------------


def event_received(event) -> list[Delivery]:
    """agency.events subscriber (after the publishing transaction committed)."""
    subs = [
        s
        for s in Subscription.objects.filter(is_active=True).select_related("owner")
        if event.name in s.events
    ]
    created = []
    with transaction.atomic():
        for sub in subs:
            delivery, new = Delivery.objects.get_or_create(
                event_id=event.id,
                subscription=sub,
                defaults={"event_type": event.name, "body": event_body(event, sub.owner)},
            )
            if new:
                created.append(delivery)
                _queue(delivery.pk)
    return created


def _queue(delivery_id: int, countdown: int = 0) -> None:
    from .tasks import delivery_send as delivery_send_task

    transaction.on_commit(
        lambda: delivery_send_task.apply_async((delivery_id,), countdown=countdown or None),
        robust=True,
    )


@transaction.atomic
def delivery_resend(*, actor, delivery: Delivery) -> Delivery:
    """The admin sends a delivery again (same id, same body), from the log."""
    deny_unless(may_manage(actor))
    if not delivery.subscription.is_active:
        raise DomainError(ERR_SUBSCRIPTION_DISABLED)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, next_attempt_at=None
    )
    _queue(delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- sending ---------------------------------------------------------------


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body">."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer, not an instruction: following it could lead the
    # request to a host check_url() never saw.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, headers: dict, body: bytes) -> tuple[int | None, str, str]:
    """POST; return (status code, start of the response, error)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - check_url() vetted the scheme and host
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read(RESPONSE_KEPT).decode(errors="replace"), ""
    except urllib.error.HTTPError as e:  # 3xx (not followed), 4xx, 5xx
        text = e.read(RESPONSE_KEPT).decode(errors="replace") if e.fp else ""
        return e.code, text, ""
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, "", str(getattr(e, "reason", e))[:500]


def delivery_attempt(delivery_id: int) -> int | None:
    """Send one attempt; return the seconds until a retry, or None if done.

    Safe to run twice: the delivery row is locked (skip_locked) while sending,
    and a delivered or given-up one is left alone.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        sub = delivery.subscription
        if not sub.is_active:
            delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["status"])
            return None
        number = delivery.attempt_count + 1
        status_code, text, error = None, "", ""
        started = time.monotonic()
        try:
            check_url(sub.url)
        except DomainError as e:
            error = str(e)
        if not error:
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "agency-webhooks/1",
                "webhook-id": delivery.event_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(sub.secret, delivery.event_id, timestamp, delivery.body),
            }
            status_code, text, error = _post(sub.url, headers, delivery.body.encode())
        ok = status_code is not None and 200 <= status_code < 300
        Attempt.objects.create(
            delivery=delivery,
            number=number,
            status_code=status_code,
            succeeded=ok,
            error=error or ("" if ok else _http_error(status_code)),
            response_body=text,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.attempt_count = number
        if ok:
            delivery.status = Delivery.Status.SUCCEEDED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "attempt_count", "next_attempt_at"])
            Subscription.objects.filter(pk=sub.pk).update(consecutive_failures=0)
            return None
        disabled = _count_failure(sub)
        if disabled or number >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "attempt_count", "next_attempt_at"])
            return None
        delay = backoff_seconds(number)
        delivery.next_attempt_at = timezone.now() + timezone.timedelta(seconds=delay)
        delivery.save(update_fields=["attempt_count", "next_attempt_at"])
        return delay


def _http_error(status_code) -> str:
    return f"HTTP {status_code}" if status_code else ""


def _count_failure(sub: Subscription) -> bool:
    """One more failure in a row; at the limit disable (once) and tell. True if disabled."""
    Subscription.objects.filter(pk=sub.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    sub.refresh_from_db(fields=["consecutive_failures", "is_active"])
    if sub.consecutive_failures < MAX_CONSECUTIVE_FAILURES:
        return False
    claimed = Subscription.objects.filter(pk=sub.pk, is_active=True).update(
        is_active=False, disabled_at=timezone.now()
    )
    if claimed:
        # Its other waiting deliveries will not be tried (kept in the log, resendable).
        Delivery.objects.filter(subscription=sub, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED
        )
        from accounts.models import User

        admins = User.objects.filter(is_active=True, role=Role.ADMIN)
        notify(
            recipients=[sub.owner, *admins],
            template="webhooks/subscription_disabled",
            context={"subscription": sub, "failures": sub.consecutive_failures},
            obj=sub,
        )
    return True
