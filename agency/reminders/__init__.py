"""Reminders: rules (rules.py), the exactly-once sweep (engine.py).

    from agency.reminders import sweep
    sweep()                      # what beat runs every few minutes

See agency/schedule.py for when, and agency/tasks.py for the Celery task.
"""

from .engine import CLAIM_TTL, MAX_ATTEMPTS, sweep

__all__ = ["CLAIM_TTL", "MAX_ATTEMPTS", "sweep"]
