"""The sweep: claim each due reminder in the log, then send it. Exactly once.

    sweep()            # one pass over every rule, then the retry pass

How "exactly once" holds (STYLE.md, healthchecks `sendalerts`):

1. Claim first. A new occurrence is claimed by INSERTing its ReminderLog row;
   the unique key (kind, object, occurrence) makes a second sweep, a retried
   task or another worker fail that INSERT and skip. The claim is committed
   on its own, before anything is sent.
2. Send and mark sent in ONE transaction: the inbox rows (which are also the
   email outbox, see agency.notifications) are created, then the log row is
   flipped CLAIMED -> SENT with a conditional UPDATE on our claim token. If
   the claim was taken over meanwhile the UPDATE matches nothing, we roll
   back, and nothing was sent by us.
3. A claim expires (CLAIM_TTL). A worker killed after claiming but before
   committing leaves a CLAIMED row and no inbox rows; a later sweep's retry
   pass takes the expired claim over with a conditional UPDATE and sends it.
4. A failure (template error, database error...) is recorded with the error
   on the row and retried by later sweeps with a growing delay, at most
   MAX_ATTEMPTS times; then the row is ABANDONED and left for a human.

Emails leave through agency.tasks.notification_email_send, which claims its
inbox row the same way, so the email is sent at most once per inbox row.
"""

import datetime as dt
import logging
import secrets
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from agency.models import ReminderLog
from agency.notifications import notify

from .base import Due, Rule

logger = logging.getLogger(__name__)

# Longer than any sweep takes; shorter than the gap a human would notice.
CLAIM_TTL = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# After a failure: wait attempts x RETRY_DELAY before the next try.
RETRY_DELAY = dt.timedelta(minutes=5)

S = ReminderLog.Status


class LostClaim(Exception):
    """Our claim expired and another sweep took the reminder over."""


def _token() -> str:
    return secrets.token_hex(16)


def claim_new(rule: Rule, due: Due, now: dt.datetime) -> ReminderLog | None:
    """INSERT the log row; None if any sweep already has this occurrence."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(
                kind=rule.kind,
                content_type=ContentType.objects.get_for_model(due.obj),
                object_id=due.obj.pk,
                occurrence=due.occurrence,
                status=S.CLAIMED,
                claim_token=_token(),
                claimed_until=now + CLAIM_TTL,
                attempts=1,
            )
    except IntegrityError:
        # Another sweep inserted it first (PostgreSQL makes us wait for its
        # commit, then raises): it is theirs.
        return None


def claim_retry(log: ReminderLog, now: dt.datetime) -> ReminderLog | None:
    """Take over a failed or expired claim; None if another sweep was faster."""
    token = _token()
    taken = ReminderLog.objects.filter(
        pk=log.pk,
        status__in=[S.CLAIMED, S.FAILED],
        claimed_until__lte=now,
        claim_token=log.claim_token,
        attempts__lt=MAX_ATTEMPTS,
    ).update(
        status=S.CLAIMED,
        claim_token=token,
        claimed_until=now + CLAIM_TTL,
        attempts=F("attempts") + 1,
    )
    if taken != 1:
        return None
    log.refresh_from_db()
    return log


def _finish(log: ReminderLog, **fields) -> int:
    """Conditional update: only while the claim is still ours."""
    return ReminderLog.objects.filter(
        pk=log.pk, status=S.CLAIMED, claim_token=log.claim_token
    ).update(**fields)


def send_claimed(rule: Rule, log: ReminderLog, obj, now: dt.datetime) -> str:
    """Send a claimed reminder. Returns "sent", "skipped", "failed" or "lost"."""
    try:
        with transaction.atomic():
            recipients = [u for u in rule.recipients(obj, log.occurrence) if u and u.is_active]
            if not recipients:
                if _finish(log, status=S.SKIPPED, last_error="no recipients") != 1:
                    raise LostClaim
                return "skipped"
            ctx = {"label": rule.label, **rule.context(obj, log.occurrence)}
            rows = notify(
                recipients=recipients,
                template=rule.template,
                context=ctx,
                obj=obj,
                url=rule.url(obj),
                kind=f"reminder.{rule.kind}",
            )
            done = _finish(
                log,
                status=S.SENT,
                sent_at=timezone.now(),
                recipient_ids=[r.recipient_id for r in rows],
                last_error="",
            )
            if done != 1:
                raise LostClaim  # rolls the inbox rows back
    except LostClaim:
        logger.warning("reminder %s lost its claim; another sweep sends it", log.pk)
        return "lost"
    except Exception as exc:
        logger.exception("reminder %s (%s %s) failed", log.pk, log.kind, log.occurrence)
        exhausted = log.attempts >= MAX_ATTEMPTS
        _finish(
            log,
            status=S.ABANDONED if exhausted else S.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            claimed_until=now + RETRY_DELAY * log.attempts,
        )
        return "failed"
    return "sent"


def retry_pass(rules_by_kind: dict[str, Rule], now: dt.datetime, counts: Counter) -> None:
    """Retry failed rows and claims whose worker died (partial index: tiny)."""
    pending = ReminderLog.objects.filter(
        status__in=[S.CLAIMED, S.FAILED], claimed_until__lte=now
    ).order_by("claimed_until")[:500]
    for log in pending:
        rule = rules_by_kind.get(log.kind)
        if log.attempts >= MAX_ATTEMPTS or rule is None:
            ReminderLog.objects.filter(
                pk=log.pk, status=log.status, claim_token=log.claim_token
            ).update(
                status=S.ABANDONED,
                last_error=log.last_error or "claim expired too many times",
            )
            counts["abandoned"] += 1
            continue
        claimed = claim_retry(log, now)
        if claimed is None:
            continue
        obj = rule.get_object(log.object_id)
        if obj is None or not rule.still_due(obj, log.occurrence, now):
            _finish(claimed, status=S.SKIPPED, last_error="no longer due")
            counts["skipped"] += 1
            continue
        counts[send_claimed(rule, claimed, obj, now)] += 1


def sweep(*, now: dt.datetime | None = None, rules=None) -> dict:
    """One pass: every rule's due objects, then the retries. Returns counts."""
    from .rules import RULES

    now = now or timezone.now()
    rules = RULES if rules is None else rules
    counts: Counter = Counter()
    for rule in rules:
        for due in rule.due(now):
            log = claim_new(rule, due, now)
            if log is None:
                counts["already_claimed"] += 1
                continue
            counts[send_claimed(rule, log, due.obj, now)] += 1
    retry_pass({r.kind: r for r in rules}, now, counts)
    return dict(counts)
