"""Plans' reminder: a submitted plan waiting on its reviewers, then on the MD.

Registered in PlansConfig.ready(). Who is waited on comes from plans.approvers.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agency.reminders.base import DAY, Due, Rule, add_business_days

# An approval waiting longer than this is chased.
WAIT_BUSINESS_DAYS = 2


class PlanApprovalWaiting(Rule):
    """A submitted plan: reviewers who have not reviewed, then the MD's sign-off."""

    kind = "plan_approval_waiting"
    label = _("Approver reminded: waiting for more than 2 business days")

    def queryset(self):
        from plans.models import AccountPlan

        return AccountPlan.objects.select_related("client")

    def due(self, now):
        from plans.approvers import with_waiting
        from plans.models import AccountPlan

        # At least two calendar days old; submitted plans are few (status index).
        qs = self.queryset().filter(
            status=AccountPlan.Status.SUBMITTED, submitted_at__lte=now - 2 * DAY
        )
        plans = with_waiting(qs)  # each with .awaiting, in a fixed number of queries
        logged = self.logged(plans)
        for plan in plans:
            stage, since, _people = plan.awaiting
            if stage is None or add_business_days(since, WAIT_BUSINESS_DAYS) > now:
                continue
            occurrence = f"{stage}-r{plan.review_round}"
            if (plan.pk, occurrence) not in logged:
                yield Due(plan, occurrence)

    def waiting(self, plan):
        """(stage, waiting since, people) of a submitted plan: plans.approvers decides."""
        from plans.approvers import waiting_on

        return waiting_on(plan)

    def recipients(self, obj, occurrence):
        stage, _since, people = self.waiting(obj)
        return people if stage and occurrence.startswith(stage) else []

    def still_due(self, obj, occurrence, now):
        stage, _since, _people = self.waiting(obj)
        return (
            obj.status == obj.Status.SUBMITTED
            and stage is not None
            and occurrence == f"{stage}-r{obj.review_round}"
        )

    def step_label(self, occurrence):
        return gettext("sign-off") if occurrence.startswith("signoff") else gettext("review")

    def context(self, obj, occurrence):
        stage, since, _people = self.waiting(obj)
        return {"plan": obj, "client": obj.client, "stage": stage, "since": since}


RULES = [PlanApprovalWaiting()]
