import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

# A hung mail server must not hold the claim (an open transaction and a row
# lock) forever: give up after this many seconds unless EMAIL_TIMEOUT says.
EMAIL_SEND_TIMEOUT = 60


def notification_email_send(*, notification_id: int) -> bool:
    """Claim the row, send, and commit the claim only once the email is sent.

    The claim (`emailed_at IS NULL` -> now) is an UPDATE inside a transaction
    that stays open while the email is handed to the mail server: a duplicate
    task waits on the row lock, then finds the row sent and does nothing. A
    worker killed mid-send never commits, so the database drops its claim and
    the redelivered task (acks_late) or the sweep's requeue sends the email.
    A failure rolls the claim back, records the error and re-raises (the
    Celery task retries). The one window for a duplicate is a crash between
    the mail server accepting the email and the commit.
    """
    try:
        with transaction.atomic():
            claimed = Notification.objects.filter(
                pk=notification_id, emailed_at=None, send_email=True
            ).update(emailed_at=timezone.now(), email_error="")
            if claimed != 1:
                return False
            n = Notification.objects.select_related("recipient").get(pk=notification_id)
            message = EmailMultiAlternatives(
                subject=n.subject,
                body=n.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[n.recipient.email],
                connection=get_connection(timeout=settings.EMAIL_TIMEOUT or EMAIL_SEND_TIMEOUT),
            )
            if n.body_html:
                message.attach_alternative(n.body_html, "text/html")
            message.send()
    except Exception as exc:
        logger.exception("email for notification %s failed", notification_id)
        Notification.objects.filter(pk=notification_id).update(
            email_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return True


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# An email whose task never reached the broker (the process died between the
# commit and the publish) is re-queued by the next sweep after this long.
EMAIL_ORPHAN_AFTER = dt.timedelta(minutes=10)
EMAIL_ORPHAN_MAX_AGE = dt.timedelta(days=1)


def notification_emails_requeue(*, now=None) -> int:
    """Queue again the emails that were never attempted. Returns how many.

    Harmless if the first task is merely slow: the email task claims its row,
    so the second one finds it claimed and does nothing.
    """
    from .tasks import notification_email_send

    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            send_email=True,
            emailed_at=None,
            email_error="",
            created_at__gte=now - EMAIL_ORPHAN_MAX_AGE,
            created_at__lte=now - EMAIL_ORPHAN_AFTER,
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: notification_email_send.delay(pk))
    return len(ids)
