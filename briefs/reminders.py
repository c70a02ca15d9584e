"""Briefs' reminder: a brief waiting at an approval step for more than two
business days. Registered in BriefsConfig.ready(). The steps, the stamp that
says since when the brief waits, and who is waited on all come from
briefs.approvers, the module the brief page, its services and the dashboard ask.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agency.reminders.base import DAY, Due, Rule, add_business_days

from . import approvers
from .models import Brief

# An approval waiting longer than this is chased.
WAIT_BUSINESS_DAYS = 2


class BriefApprovalWaiting(Rule):
    """A brief waiting at an approval step for more than two business days."""

    kind = "brief_approval_waiting"
    label = _("Approver reminded: waiting for more than 2 business days")

    def queryset(self):
        return Brief.objects.select_related("client")

    def occurrence(self, brief) -> str | None:
        since = approvers.waiting_since(brief)
        if since is None:
            return None
        return f"{brief.status}@{int(since.timestamp())}"

    def due(self, now):
        # Each step's stamp at least two calendar days old (an indexed read);
        # then exactly two business days in Python.
        waiting = Q()
        for step in approvers.STEPS.values():
            waiting |= Q(status=step.status, **{f"{step.since}__lte": now - 2 * DAY})
        briefs = list(self.queryset().filter(waiting))
        logged = self.logged(briefs)
        for brief in briefs:
            if add_business_days(approvers.waiting_since(brief), WAIT_BUSINESS_DAYS) > now:
                continue
            occurrence = self.occurrence(brief)
            if (brief.pk, occurrence) not in logged:
                yield Due(brief, occurrence)

    def recipients(self, obj, occurrence):
        return approvers.approvers(obj)

    def still_due(self, obj, occurrence, now):
        return self.occurrence(obj) == occurrence

    def step_label(self, occurrence):
        status = occurrence.split("@", 1)[0]
        return str(Brief.Status(status).label) if status in Brief.Status.values else ""

    def context(self, obj, occurrence):
        return {
            "brief": obj,
            "client": obj.client,
            "step": obj.get_status_display(),
            "since": approvers.waiting_since(obj),
        }


RULES = [BriefApprovalWaiting()]
