"""The exactly-once machinery: claim before send, expiring claims, bounded retries."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from agency.models import Notification, ReminderLog
from agency.reminders import CLAIM_TTL, MAX_ATTEMPTS, engine, sweep
from billing.reminders import InvoiceOverdue

from .factories import InvoiceFactory, aware

# An invoice due on 1 March is 30 days overdue on 31 March: AM and AD.
DUE = dt.date(2026, 3, 1)
DAY_30 = aware(2026, 3, 31, 9, 0)

S = ReminderLog.Status


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing records it."""


@pytest.fixture
def overdue_invoice(cast):
    return InvoiceFactory(client=cast.client, created_by=cast.am, due_date=DUE)


@pytest.fixture
def at_day_30():
    with time_machine.travel(DAY_30, tick=False) as traveller:
        yield traveller


def overdue_rows():
    return Notification.objects.filter(kind="reminder.invoice_overdue")


def test_the_same_sweep_run_twice_sends_each_reminder_once(
    overdue_invoice, at_day_30, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep()
    with django_capture_on_commit_callbacks(execute=True):
        second = sweep()
    assert first == {"sent": 1}
    assert second == {}
    assert overdue_rows().count() == 2  # the AM (lead) and the AD
    assert len(mailoutbox) == 2
    log = ReminderLog.objects.get()
    assert (log.kind, log.occurrence, log.status, log.attempts) == (
        "invoice_overdue",
        "day-30",
        S.SENT,
        1,
    )
    assert log.sent_at == DAY_30


def test_a_claimed_occurrence_is_not_claimed_again(overdue_invoice, at_day_30):
    rule = InvoiceOverdue()
    due = next(iter(rule.due(DAY_30)))
    assert engine.claim_new(rule, due, DAY_30) is not None
    assert engine.claim_new(rule, due, DAY_30) is None
    # and the rule no longer lists it as due
    assert list(rule.due(DAY_30)) == []


def test_a_sweep_killed_after_claiming_is_sent_by_a_later_sweep(
    overdue_invoice, at_day_30, monkeypatch
):
    real_notify = engine.notification_rows

    def killed(**kwargs):
        raise WorkerKilled

    monkeypatch.setattr(engine, "notification_rows", killed)
    with pytest.raises(WorkerKilled):
        sweep()
    log = ReminderLog.objects.get()
    assert log.status == S.CLAIMED
    assert not overdue_rows().exists()  # the killed transaction left nothing behind

    monkeypatch.setattr(engine, "notification_rows", real_notify)
    # While the claim is fresh, nobody else sends it (the dead worker might be alive).
    assert sweep() == {}
    assert not overdue_rows().exists()

    at_day_30.shift(CLAIM_TTL + dt.timedelta(minutes=1))
    assert sweep() == {"sent": 1}
    log.refresh_from_db()
    assert (log.status, log.attempts) == (S.SENT, 2)
    assert overdue_rows().count() == 2
    assert sweep() == {}


def test_a_failure_is_recorded_and_retried_until_it_succeeds(
    overdue_invoice, at_day_30, monkeypatch
):
    real_notify = engine.notification_rows
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("template exploded")
        return real_notify(**kwargs)

    monkeypatch.setattr(engine, "notification_rows", flaky)
    assert sweep() == {"failed": 1}
    log = ReminderLog.objects.get()
    assert log.status == S.FAILED
    assert "RuntimeError: template exploded" in log.last_error
    assert not overdue_rows().exists()

    # not retried before its delay is over
    assert sweep() == {}
    at_day_30.shift(engine.RETRY_DELAY)
    assert sweep() == {"sent": 1}
    log.refresh_from_db()
    assert (log.status, log.attempts, log.last_error) == (S.SENT, 2, "")
    assert overdue_rows().count() == 2


def test_a_reminder_that_keeps_failing_is_abandoned_after_max_attempts(
    overdue_invoice, at_day_30, monkeypatch, capsys
):
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise RuntimeError("smtp down")

    monkeypatch.setattr(engine, "notification_rows", broken)
    for _ in range(MAX_ATTEMPTS + 3):
        sweep()
        at_day_30.shift(engine.RETRY_DELAY * MAX_ATTEMPTS)
    log = ReminderLog.objects.get()
    assert log.status == S.ABANDONED
    assert log.attempts == MAX_ATTEMPTS
    assert len(calls) == MAX_ATTEMPTS
    assert "smtp down" in log.last_error
    call_command("send_reminders", "--failures")
    assert (
        f"abandoned invoice_overdue #{log.object_id} day-30 attempts=5: RuntimeError: smtp down"
        in (capsys.readouterr().out)
    )


def test_a_retry_is_dropped_when_the_invoice_was_paid_meanwhile(
    overdue_invoice, at_day_30, monkeypatch
):
    real_notify = engine.notification_rows
    monkeypatch.setattr(
        engine, "notification_rows", lambda **kw: (_ for _ in ()).throw(RuntimeError("x"))
    )
    sweep()
    monkeypatch.setattr(engine, "notification_rows", real_notify)
    overdue_invoice.status = overdue_invoice.Status.PAID
    overdue_invoice.amount_paid = overdue_invoice.total
    overdue_invoice.save()
    at_day_30.shift(engine.RETRY_DELAY)
    assert sweep() == {"skipped": 1}
    assert ReminderLog.objects.get().status == S.SKIPPED
    assert not overdue_rows().exists()


def test_a_sweep_whose_claim_was_taken_over_sends_nothing(overdue_invoice, at_day_30, monkeypatch):
    real_notify = engine.notification_rows

    def slow_then_overtaken(**kwargs):
        rows = real_notify(**kwargs)
        # meanwhile the claim expired and another sweep took it over
        ReminderLog.objects.update(claim_token="someone-else")
        return rows

    monkeypatch.setattr(engine, "notification_rows", slow_then_overtaken)
    assert sweep() == {"lost": 1}
    assert not overdue_rows().exists()  # our inbox rows were rolled back
    assert ReminderLog.objects.get().status == S.CLAIMED


def test_send_reminders_command_runs_one_sweep(overdue_invoice, at_day_30, capsys):
    call_command("send_reminders")
    assert "sent: 1" in capsys.readouterr().out
    call_command("send_reminders")
    assert "nothing due" in capsys.readouterr().out
    assert overdue_rows().count() == 2


def test_the_sweep_task_sweeps_and_is_acks_late(overdue_invoice, at_day_30):
    from agency.tasks import reminders_sweep

    assert reminders_sweep.acks_late is True
    result = reminders_sweep.delay().get()
    assert result["sent"] == 1
    assert overdue_rows().count() == 2


def test_beat_runs_the_sweep_every_five_minutes(settings):
    from celery.schedules import crontab

    from agency.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["reminders-sweep"]
    assert entry["task"] == "agency.tasks.reminders_sweep"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute="*/5")


def test_emails_never_queued_are_queued_again_by_the_sweep(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    from agency.notifications import notify
    from agency.services import notification_emails_requeue

    with time_machine.travel(DAY_30, tick=False) as t:
        # Outside a captured commit: as if the process died before queueing the email.
        notify(recipients=[cast.ae], template="reminders/agenda_not_sent", context={}, obj=None)
        assert notification_emails_requeue() == 0  # too young: its task may be on its way
        t.shift(dt.timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True):
            assert notification_emails_requeue() == 1
        assert len(mailoutbox) == 1
        # sent now: never queued again
        with django_capture_on_commit_callbacks(execute=True):
            assert notification_emails_requeue() == 0
    assert len(mailoutbox) == 1


def test_a_failed_step_is_not_retried_once_the_next_step_is_due(
    overdue_invoice, at_day_30, monkeypatch
):
    real_notify = engine.notification_rows
    monkeypatch.setattr(
        engine, "notification_rows", lambda **kw: (_ for _ in ()).throw(RuntimeError("x"))
    )
    sweep()  # day 30 fails
    monkeypatch.setattr(engine, "notification_rows", real_notify)
    at_day_30.move_to(aware(2026, 4, 30, 9, 0))  # day 60: the day-30 step is stale
    counts = sweep()
    assert counts == {"sent": 1, "skipped": 1}
    logs = dict(ReminderLog.objects.values_list("occurrence", "status"))
    assert logs == {"day-30": S.SKIPPED, "day-60": S.SENT}


def test_an_smtp_failure_is_recorded_on_the_inbox_row_and_does_not_undo_the_reminder(
    overdue_invoice, at_day_30, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.agency.test_reminder_engine.BrokenEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"sent": 1}
    rows = list(overdue_rows())
    assert len(rows) == 2  # the inbox still has them
    assert all(r.emailed_at is None and "SMTP server gone" in r.email_error for r in rows)
    assert ReminderLog.objects.get().status == S.SENT
    # not re-queued by the orphan pass: the task retries it (bounded), not the sweep
    from agency.services import notification_emails_requeue

    at_day_30.shift(dt.timedelta(minutes=30))
    assert notification_emails_requeue() == 0


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server gone")


def _crash_then_retry_at(kind, first, later, monkeypatch):
    """A sweep at `first` dies while rendering; the retry pass runs at `later`."""
    real_rows = engine.notification_rows

    def boom(**kw):
        raise RuntimeError("template broke")

    monkeypatch.setattr(engine, "notification_rows", boom)
    with time_machine.travel(first, tick=False):
        sweep()
    monkeypatch.setattr(engine, "notification_rows", real_rows)
    with time_machine.travel(later, tick=False):
        sweep()
    return dict(ReminderLog.objects.filter(kind=kind).values_list("occurrence", "status"))


def test_a_failed_24h_rehearsal_reminder_is_not_sent_once_the_1h_one_is_due(cast, monkeypatch):
    from .factories import presentation_meeting, rehearsal

    start = aware(2026, 3, 19, 15, 0)
    m = presentation_meeting(cast.client, cast.ae, aware(2026, 3, 20, 10, 0))
    rehearsal(m, cast.ae, start, attendees=[cast.ae])
    logs = _crash_then_retry_at(
        "rehearsal_upcoming",
        start - dt.timedelta(hours=24),
        start - dt.timedelta(minutes=50),  # the retry comes late: the 1 h step is due
        monkeypatch,
    )
    assert logs == {"before-24h": S.SKIPPED, "before-1h": S.SENT}
    assert Notification.objects.filter(kind="reminder.rehearsal_upcoming").count() == 1


def test_a_failed_due_tomorrow_reminder_is_not_sent_on_the_due_date(cast, monkeypatch):
    from .factories import action_item, meeting

    m = meeting(cast.client, cast.am, aware(2026, 3, 10, 10, 0), status="held")
    action_item(m, cast.ae, dt.date(2026, 3, 20))
    logs = _crash_then_retry_at(
        "action_item", aware(2026, 3, 19, 23, 55), aware(2026, 3, 20, 0, 10), monkeypatch
    )
    assert logs == {"day-before": S.SKIPPED}
    assert not Notification.objects.filter(kind="reminder.action_item").exists()


def test_send_reminders_also_queues_emails_that_never_reached_the_broker(
    cast, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    from agency.notifications import notify

    with time_machine.travel(DAY_30, tick=False) as t:
        # outside a captured commit: the process died before queueing the email
        notify(recipients=[cast.ae], template="reminders/agenda_not_sent", context={}, obj=None)
        t.shift(dt.timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
    assert "emails_requeued: 1" in capsys.readouterr().out
    assert [m.to for m in mailoutbox] == [[cast.ae.email]]
