from celery import shared_task

from . import services


@shared_task(acks_late=True)
def agenda_email_send(meeting_id: int, dispatch_id: int) -> int:
    """Send one agenda sending's emails (one per recipient); safe to run twice."""
    return services.agenda_dispatch_deliver(meeting_id=meeting_id, dispatch_id=dispatch_id)
