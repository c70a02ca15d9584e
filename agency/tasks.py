"""Celery entry points (ids only; the work is in services and agency.reminders)."""

from celery import shared_task
from django.db import DatabaseError

from . import services

# SMTP hiccups and a briefly unavailable database are worth a few more tries;
# a template error is not (it would fail the same way again).
EMAIL_RETRY_ON = (OSError, DatabaseError)
EMAIL_MAX_RETRIES = 4


@shared_task(
    acks_late=True,
    autoretry_for=EMAIL_RETRY_ON,
    max_retries=EMAIL_MAX_RETRIES,
    retry_backoff=60,
    retry_backoff_max=3600,
    ignore_result=True,
)
def notification_email_send(notification_id: int) -> bool:
    """Send one notification's email; safe to run twice (claims the row).

    A failure releases the claim and records the error on the row, then the
    task is retried with backoff, at most EMAIL_MAX_RETRIES times.
    """
    return services.notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True, ignore_result=True)
def reminders_sweep() -> dict:
    """One reminder sweep, then the emails whose task never reached the broker.

    Beat runs it every few minutes (agency/schedule.py); `send_reminders` runs
    the same function in-process.

    acks_late: a worker that dies mid-sweep leaves the message for another
    worker; the sweep is idempotent (every reminder is claimed in the log
    before it is sent), so running it again sends nothing twice.
    """
    from .reminders import sweep

    counts = sweep()
    requeued = services.notification_emails_requeue()
    if requeued:
        counts["emails_requeued"] = requeued
    return counts
