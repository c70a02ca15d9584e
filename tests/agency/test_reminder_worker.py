"""A real Celery worker on real Redis delivers a reminder end to end."""

import datetime as dt
import time
import uuid

import pytest
from django.utils import timezone

from agency.models import Notification, ReminderLog

from .factories import InvoiceFactory
from .smtp import SmtpCatcher

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_queue(require_redis, settings):
    """Real (non-eager) Celery on a queue, exchange and routing key of our own,
    so a worker of another test run on the same Redis never takes our tasks."""
    from agency.celery import app

    name = f"agency-test-{uuid.uuid4().hex}"
    keys = ("task_default_queue", "task_default_exchange", "task_default_routing_key")
    saved = {k: app.conf[k] for k in keys} | {"task_always_eager": app.conf.task_always_eager}

    def reset_routing_caches():
        for attr in ("queues", "default_queue", "router", "default_exchange"):
            app.amqp.__dict__.pop(attr, None)
        app.amqp._rtable = None

    for k in keys:
        app.conf[k] = name
    app.conf.task_always_eager = False  # the autouse fixture made it eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_routing_caches()
    try:
        yield app, name
    finally:
        for k, v in saved.items():
            app.conf[k] = v
        reset_routing_caches()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(name)


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_delivers_an_overdue_invoice_reminder_end_to_end(private_queue, cast, mailoutbox):
    from celery.contrib.testing.worker import start_worker

    from agency.tasks import notification_email_send, reminders_sweep

    app, queue = private_queue
    assert reminders_sweep.acks_late and notification_email_send.acks_late
    assert app.amqp.router.route({}, reminders_sweep.name)["queue"].name == queue
    invoice = InvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        due_date=timezone.localdate() - dt.timedelta(days=30),
    )
    with start_worker(
        app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        queues=[queue],
        loglevel="WARNING",
    ):
        reminders_sweep.delay()  # what beat sends every 5 minutes
        assert wait_for(lambda: len(mailoutbox) == 2), "the worker sent no email"
        reminders_sweep.delay()  # a second sweep (or a redelivered one) sends nothing more
        time.sleep(2)

    log = ReminderLog.objects.get()
    assert (log.object_id, log.occurrence, log.status) == (invoice.pk, "day-30", "sent")
    rows = Notification.objects.filter(kind="reminder.invoice_overdue")
    assert {n.recipient.username for n in rows} == {"cast-am", "cast-ad"}
    assert all(n.emailed_at for n in rows)
    assert len(mailoutbox) == 2
    assert {m.to[0] for m in mailoutbox} == {cast.am.email, cast.ad.email}
    assert all("30 days overdue" in m.subject for m in mailoutbox)


def test_a_sweep_task_that_crashes_after_claiming_is_finished_by_a_later_sweep_task(
    private_queue, cast, mailoutbox, monkeypatch
):
    from celery.contrib.testing.worker import start_worker

    from agency.reminders import engine
    from agency.tasks import reminders_sweep

    app, queue = private_queue
    InvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        due_date=timezone.localdate() - dt.timedelta(days=30),
    )
    real_send = engine.send_claimed

    def die_after_claiming(*args, **kwargs):
        raise RuntimeError("worker lost right after claiming")

    monkeypatch.setattr(engine, "CLAIM_TTL", dt.timedelta(seconds=1))
    monkeypatch.setattr(engine, "send_claimed", die_after_claiming)
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue], loglevel="ERROR"
    ):
        reminders_sweep.delay()
        assert wait_for(lambda: ReminderLog.objects.filter(status="claimed").exists())
        time.sleep(1.5)  # the claim expires; nothing was sent
        assert mailoutbox == [] and not Notification.objects.exists()
        monkeypatch.setattr(engine, "send_claimed", real_send)
        reminders_sweep.delay()  # the next beat tick
        assert wait_for(lambda: len(mailoutbox) == 2), "the later sweep did not send it"

    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == ("sent", 2)
    assert Notification.objects.filter(kind="reminder.invoice_overdue").count() == 2


def test_a_worker_process_killed_while_sending_has_the_email_sent_once_on_redelivery(
    private_queue, require_postgres, cast, tmp_path
):
    """A separate `celery worker` process (prefork, acks_late, Redis) whose pool
    child is SIGKILLed while handing a reminder email to a hung mail server:
    the database drops the dead child's claim, the broker redelivers the task,
    and the email goes out exactly once."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection

    from agency.reminders import sweep

    _app, queue = private_queue
    InvoiceFactory(
        client=cast.client, created_by=cast.am, due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert sweep().get("sent") == 1  # day 1: the lead only; the email task is now on Redis
    notification = Notification.objects.get(kind="reminder.invoice_overdue")
    assert notification.recipient == cast.am and notification.emailed_at is None

    db = connection.settings_dict  # the test database
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    smtp = SmtpCatcher()
    env = os.environ | {
        "DATABASE_URL": f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    log = (tmp_path / "worker.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "agency", "worker", "-Q", queue]
    command += ["--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [*command, "--without-heartbeat", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert smtp.hung.wait(120), "the worker never tried to send"
        time.sleep(0.5)
        # mid-send: the claim is not committed, so nobody else sees it
        notification.refresh_from_db()
        assert notification.emailed_at is None
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert len(children) == 1, children
        os.kill(int(children[0]), signal.SIGKILL)  # the pool child dies mid-send

        assert wait_for(lambda: len(smtp.messages) >= 1, 120), (
            "the redelivered task sent nothing:\n" + (tmp_path / "worker.log").read_text()
        )
        time.sleep(2)
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        smtp.close()
        log.close()

    assert len(smtp.messages) == 1
    assert cast.am.email in smtp.messages[0]
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.email_error == ""
