from celery import shared_task

from . import services


@shared_task(acks_late=True)
def notification_email_send(notification_id: int) -> bool:
    """Send one notification's email; safe to run twice (claims the row)."""
    return services.notification_email_send(notification_id=notification_id)
