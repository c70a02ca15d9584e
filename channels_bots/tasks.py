"""Celery entry points (ids only; the work is in services)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def delivery_send(delivery_id: int) -> str:
    """Post one delivery; safe to run twice (the row is claimed under a lock).

    A failure is recorded on the row; the channels sweep retries it with backoff.
    """
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def digest_send(channel_id: int) -> str:
    return services.digest_send(channel_id=channel_id)


@shared_task(acks_late=True, ignore_result=True)
def deliveries_sweep() -> dict:
    return services.deliveries_sweep()
