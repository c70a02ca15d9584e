"""Celery entry points (ids only; the work is in services)."""

import datetime as dt
import random
import smtplib

from celery import shared_task
from django.utils import timezone

from . import services
from .models import AgendaDispatch

# A mail server that refuses, times out or drops the connection is worth
# retrying (smtplib's errors are OSErrors; named for the reader). A template
# or data error is not: it would fail the same way again, so it is given up
# at once and shown on the meeting page.
AGENDA_RETRY_ON = (smtplib.SMTPException, OSError)
AGENDA_MAX_RETRIES = services.AGENDA_MAX_ATTEMPTS - 1
AGENDA_BACKOFF = 60  # seconds before the first retry (about: see retry_countdown)
AGENDA_BACKOFF_MAX = 3600


def retry_countdown(attempts: int) -> int:
    """Exponential backoff with jitter after `attempts` failed tries.

    About 1, 2, 4, 8, 16 minutes (at most an hour), each drawn between half
    and all of it so that many agendas failing together do not all come back
    at the same second.
    """
    base = min(AGENDA_BACKOFF_MAX, AGENDA_BACKOFF * 2 ** max(attempts - 1, 0))
    return int(base / 2 + random.uniform(0, base / 2))  # noqa: S311 (jitter, not a secret)


@shared_task(
    bind=True,
    # a killed worker's message is redelivered (the claim commits only with
    # the send, so the redelivery sends the agenda once)
    acks_late=True,
    reject_on_worker_lost=True,
    # the policy, as Celery's own options say it; the body applies it itself
    # so that the sending records when the next try is
    autoretry_for=AGENDA_RETRY_ON,
    max_retries=AGENDA_MAX_RETRIES,
    retry_backoff=AGENDA_BACKOFF,
    retry_backoff_max=AGENDA_BACKOFF_MAX,
    retry_jitter=True,
    ignore_result=True,
)
def agenda_email_send(self, meeting_id: int, dispatch_id: int) -> int:
    """Send one agenda sending's emails (one per recipient); safe to run twice.

    On a mail-server failure the attempt is recorded on the sending and the
    task is retried with backoff (`self.retry`), until the sending is out of
    attempts: then it is given up ("send again" on the meeting page). Run
    eagerly (no worker: CELERY_TASK_ALWAYS_EAGER) it never retries inline,
    which would hold the request for minutes: the failure is recorded with
    its retry time and the reminder sweep (or "send again") queues it again.
    """
    try:
        return services.agenda_dispatch_deliver(meeting_id=meeting_id, dispatch_id=dispatch_id)
    except AGENDA_RETRY_ON as exc:
        attempts = AgendaDispatch.objects.get(pk=dispatch_id).attempts
        no_worker = self.request.is_eager or self.request.called_directly
        out_of_tries = (
            attempts >= services.AGENDA_MAX_ATTEMPTS or self.request.retries >= self.max_retries
        )
        if out_of_tries:
            services.agenda_dispatch_failed(dispatch_id=dispatch_id, retry_at=None)
            return 0
        countdown = retry_countdown(attempts)
        retry_at = timezone.now() + dt.timedelta(seconds=countdown)
        services.agenda_dispatch_failed(dispatch_id=dispatch_id, retry_at=retry_at)
        if no_worker:
            return 0
        raise self.retry(exc=exc, countdown=countdown) from exc
    except Exception:
        services.agenda_dispatch_failed(dispatch_id=dispatch_id, retry_at=None)
        raise


@shared_task(acks_late=True, ignore_result=True)
def agenda_emails_requeue() -> dict:
    """Queue again the agendas that failed or never reached a worker (beat)."""
    return services.agenda_emails_requeue()
