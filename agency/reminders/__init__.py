"""Reminders: the rule base (base.py), the registry apps add their rules to
(registry.py), the exactly-once sweep (engine.py). The rules themselves live
with their workflow: billing/reminders.py, meetings/reminders.py,
plans/reminders.py, briefs/reminders.py.

    from agency.reminders import sweep
    sweep()                      # what beat runs every few minutes

See agency/schedule.py for when, and agency/tasks.py for the Celery task.
"""

from .engine import CLAIM_TTL, MAX_ATTEMPTS, sweep

__all__ = ["CLAIM_TTL", "MAX_ATTEMPTS", "sweep"]
