from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def delivery_send(delivery_id: int) -> int | None:
    """One attempt; a failure schedules the next with exponential backoff."""
    delay = services.delivery_attempt(delivery_id)
    if delay is not None:
        delivery_send.apply_async((delivery_id,), countdown=delay)
    return delay
