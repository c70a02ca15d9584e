"""Briefs' reminder: a brief waiting at an approval step for more than two
business days. Registered in BriefsConfig.ready(). Who is waited on comes from
briefs.approvers, the same module the brief page and its services ask.
"""

from django.utils.translation import gettext_lazy as _

from accounts.selectors import team_members, users_with_role
from agency.reminders.base import DAY, Due, Rule, add_business_days
from agency.roles import Role

# An approval waiting longer than this is chased.
WAIT_BUSINESS_DAYS = 2


class BriefApprovalWaiting(Rule):
    """A brief waiting at an approval step for more than two business days."""

    kind = "brief_approval_waiting"
    label = _("Approver reminded: waiting for more than 2 business days")

    def queryset(self):
        from briefs.models import Brief

        return Brief.objects.select_related("client")

    @staticmethod
    def steps():
        """status -> (stamp of entering it, approver roles; MD when none on the team)."""
        from briefs.models import Brief

        S = Brief.Status
        return {
            S.CREATIVE_REVIEW: ("submitted_at", [Role.CREATIVE_DIRECTOR], False),
            S.STRATEGY_REVIEW: ("creative_agreed_at", [Role.AD], True),
            S.APPROVED: ("approved_at", [Role.BD], True),
            S.CLIENT_AGREED: ("client_agreed_at", [Role.PLANNER], True),
        }

    def occurrence(self, brief) -> str | None:
        step = self.steps().get(brief.status)
        since = getattr(brief, step[0]) if step else None
        if since is None:
            return None
        return f"{brief.status}@{int(since.timestamp())}"

    def due(self, now):
        from django.db.models import Q

        steps = self.steps()
        # status index; each step's stamp at least two calendar days old
        waiting = Q()
        for status, (stamp, _roles, _md) in steps.items():
            waiting |= Q(status=status, **{f"{stamp}__lte": now - 2 * DAY})
        briefs = list(self.queryset().filter(waiting))
        logged = self.logged(briefs)
        for brief in briefs:
            since = getattr(brief, steps[brief.status][0])
            if add_business_days(since, WAIT_BUSINESS_DAYS) > now:
                continue
            occurrence = self.occurrence(brief)
            if (brief.pk, occurrence) not in logged:
                yield Due(brief, occurrence)

    def recipients(self, obj, occurrence):
        step = self.steps().get(obj.status)
        if step is None:
            return []
        _stamp, roles, md_fallback = step
        people = list(team_members(obj.client, roles))
        if not people and md_fallback:
            people = list(users_with_role(Role.MD))
        return people

    def still_due(self, obj, occurrence, now):
        return self.occurrence(obj) == occurrence

    def step_label(self, occurrence):
        from briefs.models import Brief

        status = occurrence.split("@", 1)[0]
        return str(Brief.Status(status).label) if status in Brief.Status.values else ""

    def context(self, obj, occurrence):
        step = self.steps().get(obj.status)
        return {
            "brief": obj,
            "client": obj.client,
            "step": obj.get_status_display(),
            "since": getattr(obj, step[0]) if step else None,
        }


RULES = [BriefApprovalWaiting()]
