"""Plans' reminder: a submitted plan waiting on its reviewers, then on the MD.

Registered in PlansConfig.ready(). Who is waited on comes from plans.approvers.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.reminders import unique_users
from accounts.selectors import users_with_role
from agency.reminders.base import DAY, Due, Rule, add_business_days
from agency.roles import Role

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
        from plans.models import AccountPlan

        # At least two calendar days old; submitted plans are few (status index).
        qs = self.queryset().filter(
            status=AccountPlan.Status.SUBMITTED, submitted_at__lte=now - 2 * DAY
        )
        plans = list(qs)
        logged = self.logged(plans)
        for plan in plans:
            stage, since, _people = self.waiting(plan)
            if stage is None or add_business_days(since, WAIT_BUSINESS_DAYS) > now:
                continue
            occurrence = f"{stage}-r{plan.review_round}"
            if (plan.pk, occurrence) not in logged:
                yield Due(plan, occurrence)

    def waiting(self, plan):
        """(stage, waiting since, approvers) of a submitted plan."""
        from plans.models import PlanReview
        from plans.selectors import (
            business_reviewers,
            creative_reviewers,
            current_reviews,
            required_review_roles,
        )

        reviews = current_reviews(plan)
        if any(r.decision == PlanReview.Decision.OBJECT for r in reviews.values()):
            return None, None, []
        missing = [role for role in required_review_roles(plan.client) if role not in reviews]
        if missing:
            people = []
            for role in missing:
                people += list(
                    business_reviewers(plan.client)
                    if role == PlanReview.ReviewerRole.BUSINESS
                    else creative_reviewers(plan.client)
                )
            return "review", plan.submitted_at, unique_users(people)
        last = max(r.created_at for r in reviews.values())
        return "signoff", last, list(users_with_role(Role.MD))

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
