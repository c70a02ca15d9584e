"""The Celery beat schedule: the one place that says when periodic work runs.

Reminders are NOT scheduled days ahead as delayed broker messages (those are
lost with a flushed Redis, duplicated by re-deliveries and cannot follow an
edited due date). Instead beat triggers a short sweep often; each rule finds
what is due now and the reminder log makes every reminder go out once.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every 5 minutes: the shortest reminder window is "1 h before a
    # rehearsal", so a 5-minute cadence is punctual enough, and a sweep that
    # finds nothing due costs a few indexed queries. The 4-minute expiry drops
    # a sweep message that waited in a backed-up queue until the next one is
    # already there (a late sweep would be harmless, only wasteful).
    "reminders-sweep": {
        "task": "agency.tasks.reminders_sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Every 5 minutes: agenda emails (meetings) that failed and were not
    # retried by a worker, or never reached one, are queued again.
    "agenda-emails-requeue": {
        "task": "meetings.tasks.agenda_emails_requeue",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Every minute: group-bot deliveries whose task never ran, failed posts
    # due for a retry (bounded, with backoff) and digests of folded messages.
    "channels-bots-sweep": {
        "task": "channels_bots.tasks.deliveries_sweep",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Mondays 06:00: one account-health snapshot per client and week (the
    # trend arrow and history); a second run that week adds nothing.
    "health-snapshot-week": {
        "task": "health.tasks.health_snapshot_week",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
        "options": {"expires": 6 * 60 * 60},
    },
}
