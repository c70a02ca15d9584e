"""Writes: channels (create, edit) and deliveries (send, fold into a digest, retry).

Exactly once, like the notification email (agency.services): the delivery row
is locked (SELECT ... FOR UPDATE, only while PENDING or FAILED) in a
transaction that stays open while the bot is posted to, and marked SENT in
that same transaction. A duplicate task waits on the lock, then finds the row
SENT and posts nothing; a worker killed mid-post never commits, so the row is
PENDING again and the channels sweep sends it. The one window for a duplicate
is a crash between the bot accepting the message and the commit.

The channel row is locked first, so the posts to one bot are serialised and
the per-minute limit is counted exactly: past it, a delivery is FOLDED, and
one digest carries all the folded ones once the minute has room again.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from agency.errors import DomainError
from agency.permissions import deny_unless

from . import formats, selectors
from .models import Channel, Delivery

logger = logging.getLogger(__name__)

S = Delivery.Status
SENDABLE = (S.PENDING, S.FAILED)
WINDOW = dt.timedelta(minutes=1)
# Messages a bot accepts per minute (DingTalk and WeCom document 20; Feishu 100).
RATE_LIMITS = {"wecom": 20, "dingtalk": 20, "feishu": 100}
MAX_ATTEMPTS = 5
RETRY_BASE = dt.timedelta(minutes=1)  # then 2, 4, 8 minutes
ORPHAN_AFTER = dt.timedelta(minutes=2)  # a pending row whose task never ran
DIGEST_LINES = 30

ERR_SCOPE_TARGET = gettext_lazy("Choose the client for a client team channel.")
ERR_DEPARTMENT = gettext_lazy("Choose the department of a department channel.")
ERR_BILLING_TO_TEAM = gettext_lazy(
    "Billing notifications cannot go to a client team's group: not everyone on the team sees billing."
)
ERR_URL_NEEDED = gettext_lazy("Enter the bot's webhook URL.")


# Channels ---------------------------------------------------------------------


def _validate(channel: Channel, *, webhook_url: str, secret: str) -> None:
    from . import kinds

    if channel.scope == Channel.Scope.CLIENT:
        if channel.client_id is None:
            raise DomainError(ERR_SCOPE_TARGET)
        channel.department = ""
        if any(kinds.is_billing(k) for k in channel.routes or []):
            raise DomainError(ERR_BILLING_TO_TEAM)
    elif channel.scope == Channel.Scope.DEPARTMENT:
        channel.client = None
        if not channel.department:
            raise DomainError(ERR_DEPARTMENT)
    else:
        channel.client, channel.department = None, ""
    url = webhook_url.strip() or channel.webhook_url
    if not url:
        raise DomainError(ERR_URL_NEEDED)
    formats.check_webhook_url(channel.kind, url)
    signed = channel.kind in (Channel.Kind.DINGTALK, Channel.Kind.FEISHU)
    if signed and not secret and not channel.has_secret:
        raise DomainError(formats.ERR_SECRET_NEEDED, kind=formats.kind_label(channel.kind))


@sensitive_variables("webhook_url", "secret")
def channel_save(*, actor, channel: Channel, webhook_url: str = "", secret: str = "") -> Channel:
    """Create or edit a channel. Empty `webhook_url` / `secret` keep the stored ones.

    The actor must manage the channel's scope (selectors.may_manage), before
    and after the edit (nobody moves a channel to a scope they do not manage).
    """
    if channel.pk:
        before = Channel.objects.select_related("client").get(pk=channel.pk)
        deny_unless(selectors.may_manage(actor, before))
    deny_unless(selectors.may_manage(actor, channel))
    _validate(channel, webhook_url=webhook_url, secret=secret)
    if webhook_url.strip():
        channel.webhook_url = webhook_url.strip()
    if channel.kind == Channel.Kind.WECOM:
        channel.secret_encrypted = ""  # the key in the URL is WeCom's only secret
    elif secret:
        channel.secret = secret.strip()
    if not channel.pk:
        channel.created_by = actor
    with transaction.atomic():
        channel.save()
    return channel


# The card ---------------------------------------------------------------------


def card_for(channel: Channel, delivery: Delivery) -> tuple[str, str]:
    """(title, markdown) in the channel's language; the lines were fixed by routing.py."""
    with translation.override(channel.language):
        title = delivery.label or _("Notification")
        lines = [f"### {title}"]
        if delivery.title:
            lines.append(f"**{delivery.title}**")
        if delivery.step:
            lines.append(delivery.step)
        if delivery.amount:
            lines.append(delivery.amount)
        if delivery.url:
            lines.append(f"[{_('Open in the app')}]({delivery.url})")
    return str(title), "\n\n".join(lines)


def digest_card(channel: Channel, items: list[Delivery]) -> tuple[str, str]:
    with translation.override(channel.language):
        title = _("%(count)s more notifications") % {"count": len(items)}
        lines = [f"### {title}"]
        for item in items[:DIGEST_LINES]:
            text = " · ".join(x for x in (item.label, item.title, item.step) if x)
            lines.append(f"- [{text}]({item.url})" if item.url else f"- {text}")
        if len(items) > DIGEST_LINES:
            lines.append(_("…and %(count)s more.") % {"count": len(items) - DIGEST_LINES})
    return str(title), "\n".join(lines)


@sensitive_variables("url", "body")
def _post(channel: Channel, title: str, text: str, now) -> None:
    url, body = formats.request_for(
        channel.kind, channel.webhook_url, channel.secret, title, text, int(now.timestamp() * 1000)
    )
    formats.post(channel.kind, url, body)


def _used(channel: Channel, now) -> int:
    return Delivery.objects.filter(channel=channel, posted_at__gt=now - WINDOW).count()


def _room(channel: Channel, now) -> bool:
    return _used(channel, now) < RATE_LIMITS.get(channel.kind, 20)


def _retry_at(attempts: int, now):
    return now + RETRY_BASE * (2 ** max(attempts - 1, 0))


def _error(exc: BaseException) -> str:
    # DeliveryError texts never contain the URL (key, token, sign) nor the secret.
    if isinstance(exc, formats.DeliveryError):
        return str(exc)[:2000]
    return type(exc).__name__


# Deliveries -------------------------------------------------------------------


def delivery_send(*, delivery_id: int, now=None) -> str:
    """Post one delivery, exactly once. Returns what happened (for logs and tests)."""
    now = now or timezone.now()
    row = Delivery.objects.filter(pk=delivery_id).values("channel_id", "status").first()
    if row is None or row["status"] not in SENDABLE:
        return "done"
    try:
        with transaction.atomic():
            channel = Channel.objects.select_for_update().get(pk=row["channel_id"])
            delivery = (
                Delivery.objects.select_for_update()
                .filter(pk=delivery_id, status__in=SENDABLE)
                .first()
            )
            if delivery is None:
                return "done"
            if not channel.is_active:
                delivery.status, delivery.last_error = S.SKIPPED, "channel inactive"
                delivery.save(update_fields=["status", "last_error"])
                return "skipped"
            if not _room(channel, now):
                delivery.status = S.FOLDED
                delivery.save(update_fields=["status"])
                _schedule_digest(channel.pk, now)
                return "folded"
            title, text = card_for(channel, delivery)
            _post(channel, title, text, now)
            delivery.status, delivery.posted_at, delivery.last_error = S.SENT, now, ""
            delivery.attempts += 1
            delivery.save(update_fields=["status", "posted_at", "last_error", "attempts"])
            return "sent"
    except Exception as exc:  # the post failed: record it, retry later (bounded)
        error = _error(exc)
        logger.warning("channel delivery %s failed: %s", delivery_id, error)
        delivery = Delivery.objects.get(pk=delivery_id)
        attempts = delivery.attempts + 1
        Delivery.objects.filter(pk=delivery_id, status__in=SENDABLE).update(
            status=S.ABANDONED if attempts >= MAX_ATTEMPTS else S.FAILED,
            attempts=attempts,
            last_error=error,
            posted_at=now,
            next_attempt_at=_retry_at(attempts, now),
        )
        return "failed"


def _schedule_digest(channel_id: int, now) -> None:
    from .tasks import digest_send

    oldest = (
        Delivery.objects.filter(channel_id=channel_id, posted_at__gt=now - WINDOW)
        .order_by("posted_at")
        .values_list("posted_at", flat=True)
        .first()
    )
    wait = max(int(((oldest or now) + WINDOW - now).total_seconds()) + 1, 1)
    transaction.on_commit(
        lambda: digest_send.apply_async((channel_id,), countdown=wait), robust=True
    )


def digest_send(*, channel_id: int, now=None) -> str:
    """Post ONE message carrying every folded delivery of the channel, once there is room."""
    now = now or timezone.now()
    folded_ids = []
    try:
        with transaction.atomic():
            channel = Channel.objects.select_for_update().get(pk=channel_id)
            folded = list(
                Delivery.objects.select_for_update()
                .filter(channel=channel, status=S.FOLDED)
                .order_by("created_at", "pk")
            )
            folded_ids = [d.pk for d in folded]
            if not folded:
                return "none"
            if not channel.is_active:
                Delivery.objects.filter(pk__in=folded_ids).update(
                    status=S.SKIPPED, last_error="channel inactive"
                )
                return "skipped"
            if not _room(channel, now):
                return "later"
            title, text = digest_card(channel, folded)
            _post(channel, title, text, now)
            digest = Delivery.objects.create(
                channel=channel,
                event_key=f"digest:{folded[0].pk}:{len(folded)}",
                kind="digest",
                is_digest=True,
                label=title[:200],
                status=S.SENT,
                attempts=1,
                posted_at=now,
            )
            Delivery.objects.filter(pk__in=folded_ids).update(status=S.DIGESTED, digest=digest)
            return "sent"
    except Exception as exc:
        error = _error(exc)
        logger.warning("channel digest for channel %s failed: %s", channel_id, error)
        for delivery in Delivery.objects.filter(pk__in=folded_ids, status=S.FOLDED):
            attempts = delivery.attempts + 1
            Delivery.objects.filter(pk=delivery.pk, status=S.FOLDED).update(
                status=S.ABANDONED if attempts >= MAX_ATTEMPTS else S.FOLDED,
                attempts=attempts,
                last_error=error,
                next_attempt_at=_retry_at(attempts, now),
            )
        # The failed post still used one of the minute's messages.
        return "failed"


def deliveries_sweep(*, now=None) -> dict:
    """What beat runs every minute: orphans, due retries and waiting digests."""
    now = now or timezone.now()
    counts: dict[str, int] = {}

    def count(result):
        counts[result] = counts.get(result, 0) + 1

    orphans = Delivery.objects.filter(status=S.PENDING, created_at__lte=now - ORPHAN_AFTER)
    retries = Delivery.objects.filter(status=S.FAILED, next_attempt_at__lte=now)
    for pk in list(orphans.values_list("pk", flat=True)[:500]) + list(
        retries.values_list("pk", flat=True)[:500]
    ):
        count(delivery_send(delivery_id=pk, now=now))
    folded = Delivery.objects.filter(status=S.FOLDED).filter(
        next_attempt_at=None
    ) | Delivery.objects.filter(status=S.FOLDED, next_attempt_at__lte=now)
    for channel_id in set(folded.values_list("channel_id", flat=True)):
        count("digest-" + digest_send(channel_id=channel_id, now=now))
    return counts
