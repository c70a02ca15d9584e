"""Writes of the health app: the weekly snapshot."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Client

from .models import HealthSnapshot
from .score import RED
from .selectors import health_for, week_of


def health_snapshot_week(today: dt.date | None = None) -> int:
    """One snapshot per client for this week; running it again adds nothing.

    The (client, week) unique constraint is the guarantee; ignore_conflicts makes
    a second or concurrent run a no-op. `turned_red` marks a client red this week
    that was not red the week before (the reminder rule tells its team once).
    Returns the number of rows created.
    """
    today = today or timezone.localdate()
    week = week_of(today)
    ids = list(
        Client.objects.exclude(status=Client.Status.LOST)
        .exclude(health_snapshots__week=week)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    healths = health_for(ids, today)
    last_red = set(
        HealthSnapshot.objects.filter(
            client_id__in=ids, week=week - dt.timedelta(days=7), band=RED
        ).values_list("client_id", flat=True)
    )
    rows = [
        HealthSnapshot(
            client_id=pk,
            week=week,
            score=h.score,
            band=h.band,
            turned_red=h.band == RED and pk not in last_red,
        )
        for pk, h in healths.items()
    ]
    with transaction.atomic():
        created = HealthSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)
