"""Two sweeps at the same moment on real PostgreSQL: each reminder goes out once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from agency.models import Notification, ReminderLog
from agency.reminders import CLAIM_TTL, engine, sweep
from billing.reminders import InvoiceOverdue

from .factories import InvoiceFactory, aware

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY_30 = aware(2026, 3, 31, 9, 0)


def run_in_threads(n, target):
    """Start n threads on a barrier (so they really collide); return their results."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target()
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def overdue_invoices(require_postgres, cast):
    return [
        InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
        for _ in range(12)
    ]


def test_concurrent_sweeps_send_each_reminder_once(overdue_invoices, mailoutbox):
    with time_machine.travel(DAY_30, tick=False):
        results = run_in_threads(4, sweep)
    assert sum(r.get("sent", 0) for r in results) == 12
    assert ReminderLog.objects.filter(status="sent").count() == 12
    # the AM and the AD for each invoice: 24 inbox rows, 24 emails, no duplicate
    rows = Notification.objects.filter(kind="reminder.invoice_overdue")
    assert rows.count() == 24
    assert len({(n.recipient_id, n.object_id) for n in rows}) == 24
    assert len(mailoutbox) == 24
    # and a sweep after them finds nothing left
    with time_machine.travel(DAY_30, tick=False):
        assert sweep() == {}


def test_two_sweeps_inserting_the_same_claim_one_wins(overdue_invoices):
    rule = InvoiceOverdue()
    due = next(iter(rule.due(DAY_30)))
    claims = run_in_threads(2, lambda: engine.claim_new(rule, due, DAY_30))
    assert sum(c is not None for c in claims) == 1


def test_two_sweeps_taking_over_the_same_expired_claim_one_wins(overdue_invoices):
    rule = InvoiceOverdue()
    due = next(iter(rule.due(DAY_30)))
    log = engine.claim_new(rule, due, DAY_30)  # then the worker died
    later = DAY_30 + CLAIM_TTL + dt.timedelta(minutes=1)
    claims = run_in_threads(
        2, lambda: engine.claim_retry(ReminderLog.objects.get(pk=log.pk), later)
    )
    assert sum(c is not None for c in claims) == 1
    log.refresh_from_db()
    assert log.attempts == 2
