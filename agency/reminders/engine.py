"""The sweep: claim each due reminder in the log, then send it. Exactly once.

    sweep()            # one pass over every rule, then the retry pass

How "exactly once" holds (STYLE.md, healthchecks `sendalerts`):

1. Claim first. New occurrences are claimed by INSERTing their ReminderLog
   rows (ON CONFLICT DO NOTHING, with a fresh claim token); the unique key
   (kind, object, occurrence) makes a second sweep, a retried task or another
   worker insert nothing and skip. The claims are committed before anything
   is sent.
2. Send and mark sent in ONE transaction: the log rows still claimed with
   our token are locked (SELECT ... FOR UPDATE), the inbox rows (which are
   also the email outbox, see agency.notifications) of those are inserted and
   the log rows flipped CLAIMED -> SENT. A claim taken over meanwhile is not
   in the locked set: we send nothing for it. A takeover waiting on our lock
   re-reads the row after our commit, finds it SENT and does nothing.
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
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agency.models import Notification, ReminderLog
from agency.notifications import (
    ChannelEvent,
    absolute_url,
    channel_senders,
    notification_rows,
    notifications_save,
    to_channels,
)

from .base import Due, Rule

logger = logging.getLogger(__name__)

# Longer than any sweep takes; shorter than the gap a human would notice.
CLAIM_TTL = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# After a failure: wait attempts x RETRY_DELAY before the next try.
RETRY_DELAY = dt.timedelta(minutes=5)

S = ReminderLog.Status


def _token() -> str:
    return secrets.token_hex(16)


def claim_batch(rule: Rule, dues: list[Due], now: dt.datetime) -> list[tuple[Due, ReminderLog]]:
    """Claim many occurrences with one INSERT ... ON CONFLICT DO NOTHING.

    The rows carry a fresh claim token, so the rows we inserted are exactly
    those with our token afterwards; an occurrence another sweep inserted
    first (PostgreSQL makes us wait for its commit) keeps its own token and is
    not ours. One commit for the whole batch, before anything is sent.
    """
    unique = {}
    for due in dues:
        unique.setdefault((due.obj.pk, due.occurrence), due)
    if not unique:
        return []
    token = _token()
    ct = ContentType.objects.get_for_model(next(iter(unique.values())).obj)
    rows = [
        ReminderLog(
            kind=rule.kind,
            content_type=ct,
            object_id=object_id,
            occurrence=occurrence,
            status=S.CLAIMED,
            claim_token=token,
            claimed_until=now + CLAIM_TTL,
            attempts=1,
        )
        for object_id, occurrence in unique
    ]
    with transaction.atomic():
        ReminderLog.objects.bulk_create(rows, ignore_conflicts=True)
    mine = ReminderLog.objects.filter(
        kind=rule.kind,
        content_type=ct,
        object_id__in={object_id for object_id, _occ in unique},
        claim_token=token,
    )
    return [(unique[(log.object_id, log.occurrence)], log) for log in mine]


def claim_new(rule: Rule, due: Due, now: dt.datetime) -> ReminderLog | None:
    """Claim one occurrence; None if any sweep already has it."""
    claimed = claim_batch(rule, [due], now)
    return claimed[0][1] if claimed else None


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


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def prepare(rule: Rule, log: ReminderLog, obj) -> list[Notification]:
    """Who receives it, rendered in their language. Reads only; writes nothing."""
    recipients = [u for u in rule.recipients(obj, log.occurrence) if u and u.is_active]
    if not recipients:
        return []
    return notification_rows(
        recipients=recipients,
        template=rule.template,
        context={"label": rule.label, **rule.context(obj, log.occurrence)},
        obj=obj,
        url=rule.url(obj),
        kind=f"reminder.{rule.kind}",
    )


def send_claimed(rule: Rule, claimed: list[tuple[object, ReminderLog]], now, counts) -> None:
    """Send a batch of claimed reminders: render each, then write all at once.

    Rendering (and its failures) happens first, outside any write. Then ONE
    transaction locks the log rows still claimed by us, inserts the inbox
    rows of those only, and marks them SENT (or SKIPPED / FAILED). A sweep
    whose claim was taken over meanwhile finds its row gone from the lock set
    and sends nothing ("lost"); a crash before the commit leaves the claims
    to expire and be retried, and no inbox row behind.
    """
    prepared, failed = [], []
    for obj, log in claimed:
        try:
            prepared.append((log, prepare(rule, log, obj)))
        except Exception as exc:
            logger.exception("reminder %s (%s %s) failed", log.pk, log.kind, log.occurrence)
            failed.append((log, exc))
    logs = [log for log, _rows in prepared] + [log for log, _exc in failed]
    with transaction.atomic():
        tokens = dict(
            ReminderLog.objects.select_for_update()
            .filter(pk__in=[log.pk for log in logs], status=S.CLAIMED)
            .values_list("pk", "claim_token")
        )

        def ours(log):
            if tokens.get(log.pk) == log.claim_token:
                return True
            logger.warning("reminder %s lost its claim; another sweep sends it", log.pk)
            counts["lost"] += 1
            return False

        prepared = [(log, rows) for log, rows in prepared if ours(log)]
        failed = [(log, exc) for log, exc in failed if ours(log)]
        notifications_save([row for _log, rows in prepared for row in rows])
        if channel_senders:
            # The channels hear of each reminder sent, in this transaction:
            # their delivery rows commit with the SENT mark, or not at all.
            objects = {log.pk: obj for obj, log in claimed}
            to_channels(
                ChannelEvent(
                    key=f"reminder:{log.pk}",
                    kind=f"reminder.{rule.kind}",
                    obj=objects[log.pk],
                    url=absolute_url(rule.url(objects[log.pk])),
                    label=rule.label,
                    step=rule.step_label(log.occurrence),
                )
                for log, rows in prepared
                if rows
            )
        # Few UPDATEs: the sent rows grouped by their recipient list (the
        # invoices of one client share it), the skipped in one, failures by row.
        sent_at = timezone.now()
        by_recipients: dict[tuple, list[int]] = {}
        skipped = []
        for log, rows in prepared:
            if rows:
                key = tuple(row.recipient_id for row in rows)
                by_recipients.setdefault(key, []).append(log.pk)
            else:
                skipped.append(log.pk)
        for recipient_ids, pks in by_recipients.items():
            ReminderLog.objects.filter(pk__in=pks).update(
                status=S.SENT,
                claim_token="",
                last_error="",
                sent_at=sent_at,
                recipient_ids=list(recipient_ids),
            )
            counts["sent"] += len(pks)
        if skipped:
            ReminderLog.objects.filter(pk__in=skipped).update(
                status=S.SKIPPED, claim_token="", last_error="no recipients"
            )
            counts["skipped"] += len(skipped)
        for log, exc in failed:
            ReminderLog.objects.filter(pk=log.pk).update(
                status=S.ABANDONED if log.attempts >= MAX_ATTEMPTS else S.FAILED,
                last_error=_error(exc),
                claimed_until=now + RETRY_DELAY * log.attempts,
            )
            counts["failed"] += 1


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
            ReminderLog.objects.filter(
                pk=claimed.pk, status=S.CLAIMED, claim_token=claimed.claim_token
            ).update(status=S.SKIPPED, claim_token="", last_error="no longer due")
            counts["skipped"] += 1
            continue
        send_claimed(rule, [(obj, claimed)], now, counts)


def sweep(*, now: dt.datetime | None = None, rules=None) -> dict:
    """One pass: every rule's due objects, then the retries. Returns counts."""
    from .registry import all_rules

    now = now or timezone.now()
    rules = all_rules() if rules is None else rules
    counts: Counter = Counter()
    for rule in rules:
        dues = list(rule.due(now))
        claimed = claim_batch(rule, dues, now)
        if len(claimed) < len(dues):
            counts["already_claimed"] += len(dues) - len(claimed)
        if claimed:
            send_claimed(rule, [(due.obj, log) for due, log in claimed], now, counts)
    retry_pass({r.kind: r for r in rules}, now, counts)
    return dict(counts)
