"""Agenda emails are delivered or visibly not: retried with backoff by the
worker, recorded on the sending, requeued by the sweep, sent again by hand, and
never a 500 in eager mode (issue 10, bug 3)."""

import datetime as dt
import socket
import time
from smtplib import SMTPServerDisconnected

import pytest
from celery.exceptions import Retry
from django.urls import reverse
from django.utils import timezone

from agency.models import TimelineEvent
from meetings import services, tasks
from meetings.models import AgendaDispatch, Meeting
from meetings.tasks import agenda_email_send
from tests.agency.test_reminder_worker import private_queue, wait_for  # noqa: F401 (fixture)
from tests.helpers import assert_refused, unchanged

from .factories import in_days

SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def closed_port() -> int:
    """A local port nothing listens on: the mail server is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    return settings


def queued_dispatch(cast, meeting, django_capture_on_commit_callbacks):
    """agenda_send as the AM, without running the task it queues."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dispatch = services.agenda_send(actor=cast.am, meeting=meeting)
    assert len(callbacks) == 1  # the email task, queued on commit
    return dispatch


class AsWorker:
    """Run the task as a worker would (not eagerly, not called directly):
    `self.retry` then really schedules a new message; we capture it."""

    def __init__(self, monkeypatch):
        self.scheduled = []
        monkeypatch.setattr(
            agenda_email_send,
            "apply_async",
            lambda *args, **kwargs: self.scheduled.append((args, kwargs)),
        )

    def __call__(self, meeting_id, dispatch_id, *, retries=0):
        agenda_email_send.push_request(
            id=f"test-{retries}",
            args=[meeting_id, dispatch_id],
            kwargs={},
            retries=retries,
            called_directly=False,
            is_eager=False,
            delivery_info={"exchange": "", "routing_key": "celery"},
        )
        try:
            return agenda_email_send.run(meeting_id, dispatch_id)
        finally:
            agenda_email_send.pop_request()


def test_the_task_declares_a_bounded_retry_policy_and_late_acks():
    assert agenda_email_send.acks_late is True
    assert agenda_email_send.reject_on_worker_lost is True
    assert agenda_email_send.max_retries == 5
    assert OSError in agenda_email_send.autoretry_for
    assert agenda_email_send.retry_jitter is True
    # exponential, jittered, capped
    for attempts, base in ((1, 60), (2, 120), (3, 240), (10, 3600)):
        for _ in range(20):
            assert base / 2 <= tasks.retry_countdown(attempts) <= base


def test_a_failing_mail_server_schedules_a_retry_and_the_retry_sends_once(
    cast, meeting, mail_server_down, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    dispatch = queued_dispatch(cast, meeting, django_capture_on_commit_callbacks)
    worker = AsWorker(monkeypatch)
    before = timezone.now()

    # the first delivery hits a refused connection: Retry, with a countdown
    with pytest.raises(Retry) as info:
        worker(meeting.pk, dispatch.pk)
    countdown = info.value.when
    assert 30 <= countdown <= 60
    ((_args, options),) = worker.scheduled  # one new message, later
    assert options["countdown"] == countdown
    assert options["retries"] == 1
    dispatch.refresh_from_db()
    assert dispatch.status == AgendaDispatch.Status.FAILED
    assert dispatch.emailed_at is None  # the claim was rolled back with the send
    assert dispatch.attempts == 1
    assert "ConnectionRefusedError" in dispatch.error
    assert dispatch.last_attempt_at >= before
    expected = dispatch.last_attempt_at + dt.timedelta(seconds=countdown)
    assert abs((dispatch.next_attempt_at - expected).total_seconds()) < 5
    assert mailoutbox == []

    # the retried message, once the mail server is back, sends it exactly once
    mail_server_down.EMAIL_BACKEND = LOCMEM
    assert worker(meeting.pk, dispatch.pk, retries=1) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.am.email, cast.ae.email])
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts, dispatch.error) == ("sent", 2, "")
    assert dispatch.emailed_at is not None and dispatch.next_attempt_at is None
    # a duplicate (redelivered) message sends nothing more
    assert worker(meeting.pk, dispatch.pk, retries=1) == 0
    assert len(mailoutbox) == 2
    assert len(worker.scheduled) == 1


def test_the_retries_are_bounded_then_the_sending_is_given_up(
    cast, meeting, django_capture_on_commit_callbacks, monkeypatch, mailoutbox
):
    from django.core.mail.backends.locmem import EmailBackend

    def drop(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", drop)
    dispatch = queued_dispatch(cast, meeting, django_capture_on_commit_callbacks)
    worker = AsWorker(monkeypatch)
    for retries in range(5):
        with pytest.raises(Retry):
            worker(meeting.pk, dispatch.pk, retries=retries)
    # the sixth attempt fails too: no more retries, given up, shown as such
    assert worker(meeting.pk, dispatch.pk, retries=5) == 0
    assert len(worker.scheduled) == 5
    dispatch.refresh_from_db()
    assert dispatch.status == AgendaDispatch.Status.ABANDONED
    assert dispatch.attempts == 6
    assert dispatch.next_attempt_at is None
    assert "SMTPServerDisconnected" in dispatch.error
    assert mailoutbox == []


def test_an_error_that_would_repeat_is_not_retried(
    cast, meeting, django_capture_on_commit_callbacks, monkeypatch, mailoutbox
):
    dispatch = queued_dispatch(cast, meeting, django_capture_on_commit_callbacks)

    def broken(dispatch_id):
        raise ValueError("template broke")

    monkeypatch.setattr(services, "_agenda_messages", broken)
    worker = AsWorker(monkeypatch)
    with pytest.raises(ValueError, match="template broke"):
        worker(meeting.pk, dispatch.pk)
    assert worker.scheduled == []
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == ("abandoned", 1)
    assert "template broke" in dispatch.error


@pytest.mark.django_db(transaction=True)
def test_eager_mode_with_the_mail_server_down_is_a_redirect_with_a_message_not_a_500(
    cast, meeting, as_user, mail_server_down
):
    """The newcomer default: CELERY_TASK_ALWAYS_EAGER, the task runs in the request."""
    c = as_user(cast.am)
    response = c.post(reverse("meetings:agenda_send", args=[meeting.pk]), {})
    assert response.status_code == 302
    # the data is committed and the failure recorded
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is not None
    dispatch = AgendaDispatch.objects.get(meeting=meeting)
    assert dispatch.status == AgendaDispatch.Status.FAILED
    assert dispatch.attempts == 1 and dispatch.emailed_at is None
    assert "ConnectionRefusedError" in dispatch.error
    assert dispatch.next_attempt_at > timezone.now()  # the sweep retries it
    assert TimelineEvent.objects.filter(object_id=meeting.pk, action="agenda_sent").exists()
    # the message and the meeting page say so, with a "send again" button
    page = c.get(response["Location"]).content.decode()
    assert "Agenda not delivered to Cast am, Cast ae: ConnectionRefusedError" in page
    assert "retrying at" in page
    assert reverse("meetings:agenda_resend", args=[meeting.pk, dispatch.pk]) in page


def test_the_page_shows_a_given_up_sending_to_the_organisers_only(cast, meeting, as_user):
    dispatch = AgendaDispatch.objects.create(
        meeting=meeting,
        sent_at=timezone.now(),
        sent_by=cast.am,
        recipients=[{"attendee": 1, "name": "Cast ae", "email": cast.ae.email, "kind": "user"}],
        status=AgendaDispatch.Status.ABANDONED,
        attempts=6,
        error="SMTPServerDisconnected: gone",
    )
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    page = as_user(cast.ae).get(url).content.decode()
    assert "Agenda not delivered to Cast ae: SMTPServerDisconnected: gone; gave up." in page
    assert reverse("meetings:agenda_resend", args=[meeting.pk, dispatch.pk]) in page
    # a reader who cannot send it again sees the sending, not the mail server's error
    page = as_user(cast.cd).get(url).content.decode()
    assert "Agenda not delivered" not in page and "SMTPServerDisconnected" not in page


def test_send_again_queues_it_with_a_fresh_budget_and_sends_it(
    cast, meeting, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    dispatch = AgendaDispatch.objects.create(
        meeting=meeting,
        sent_at=timezone.now() - dt.timedelta(hours=2),
        sent_by=cast.am,
        recipients=[
            {"attendee": a.pk, "name": a.name, "email": a.email, "kind": "user"}
            for a in meeting.attendees.filter(user__isnull=False)
        ],
        status=AgendaDispatch.Status.ABANDONED,
        attempts=6,
        error="SMTPServerDisconnected: gone",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(cast.ae).post(
            reverse("meetings:agenda_resend", args=[meeting.pk, dispatch.pk]), follow=True
        )
    assert "Agenda sent to 2 people." in response.content.decode()
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts, dispatch.error) == ("sent", 1, "")
    assert len(mailoutbox) == 2
    assert TimelineEvent.objects.filter(object_id=meeting.pk, action="agenda_resent").exists()
    # a delivered sending is not sent again
    assert_refused(
        services.agenda_dispatch_resend,
        services.ERR_AGENDA_DELIVERED,
        actor=cast.am,
        dispatch=dispatch,
    )


@pytest.mark.parametrize(("who", "status"), [("cd", 403), ("copywriter", 403), ("outsider", 404)])
def test_only_the_organisers_may_send_again(cast, meeting, as_user, who, status, mailoutbox):
    dispatch = AgendaDispatch.objects.create(
        meeting=meeting,
        sent_at=timezone.now(),
        sent_by=cast.am,
        recipients=[],
        status=AgendaDispatch.Status.ABANDONED,
        attempts=6,
        error="x",
    )
    with unchanged(dispatch, meeting):
        response = as_user(getattr(cast, who)).post(
            reverse("meetings:agenda_resend", args=[meeting.pk, dispatch.pk])
        )
    assert response.status_code == status
    assert mailoutbox == []


def _dispatch(meeting, user, **kw):
    defaults = {
        "meeting": meeting,
        "sent_at": timezone.now(),
        "sent_by": user,
        "recipients": [
            {"attendee": a.pk, "name": a.name, "email": a.email, "kind": "user"}
            for a in meeting.attendees.filter(user__isnull=False)
        ],
    }
    return AgendaDispatch.objects.create(**{**defaults, **kw})


def test_the_sweep_requeues_failed_and_orphaned_sendings_and_gives_up_on_the_rest(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    late_retry = _dispatch(
        meeting,
        cast.am,
        status="failed",
        attempts=2,
        error="x",
        next_attempt_at=now - dt.timedelta(minutes=6),
    )
    orphan = _dispatch(meeting, cast.am, sent_at=now - dt.timedelta(minutes=11))
    # not yet: the worker's own retry is due in a moment; the first task may be slow
    waiting = _dispatch(
        meeting, cast.am, status="failed", attempts=1, next_attempt_at=now + dt.timedelta(minutes=1)
    )
    fresh = _dispatch(meeting, cast.am, sent_at=now - dt.timedelta(minutes=1))
    # out of attempts, or the meeting already started: given up
    spent = _dispatch(meeting, cast.am, status="failed", attempts=6, next_attempt_at=now)
    past = Meeting.objects.create(
        client=cast.client,
        title="Yesterday",
        purpose="p",
        start=in_days(-1),
        organiser=cast.am,
        created_by=cast.am,
    )
    too_late = _dispatch(past, cast.am, status="failed", attempts=1, next_attempt_at=now)

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.agenda_emails_requeue(now=now)

    assert counts == {"agendas_requeued": 2, "agendas_abandoned": 2}
    for d, status in (
        (late_retry, "sent"),
        (orphan, "sent"),
        (waiting, "failed"),
        (fresh, "queued"),
        (spent, "abandoned"),
        (too_late, "abandoned"),
    ):
        d.refresh_from_db()
        assert d.status == status, d
    assert len(mailoutbox) == 4  # two sendings of two recipients each


def test_the_sweep_is_a_beat_entry():
    from agency.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["agenda-emails-requeue"]
    assert entry["task"] == tasks.agenda_emails_requeue.name


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_refused_agenda_and_delivers_it_once(
    private_queue,  # noqa: F811 (the worker tests' fixture, imported above)
    cast,
    meeting,
    mail_server_down,
    monkeypatch,
):
    """Real Redis, a real worker: the first delivery is refused by the mail
    server, the retry message (short countdown here) delivers it once."""
    from celery.contrib.testing.worker import start_worker
    from django.core import mail

    app, queue = private_queue
    monkeypatch.setattr(tasks, "retry_countdown", lambda attempts: 3)
    mail.outbox = []
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue], loglevel="ERROR"
    ):
        services.agenda_send(actor=cast.am, meeting=meeting)  # commits: the task is published
        dispatch = AgendaDispatch.objects.get(meeting=meeting)
        assert wait_for(lambda: AgendaDispatch.objects.get(pk=dispatch.pk).attempts == 1)
        dispatch.refresh_from_db()
        assert dispatch.status == "failed" and "ConnectionRefusedError" in dispatch.error
        mail_server_down.EMAIL_BACKEND = LOCMEM  # the mail server is back
        assert wait_for(lambda: len(mail.outbox) == 2), "the retry did not deliver it"
        time.sleep(1.5)
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == ("sent", 2)
    assert len(mail.outbox) == 2
