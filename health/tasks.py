from celery import shared_task


@shared_task
def health_snapshot_week():
    """Weekly (beat): one health snapshot per client and week."""
    from .services import health_snapshot_week as run

    return run()
