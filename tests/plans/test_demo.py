import io

import pytest

from accounts.management.commands.seed_demo import Command
from plans import demo
from plans.models import AccountPlan, Activity, PhaseGoal, PlanReview, Strategy


def _counts():
    return tuple(
        m.objects.count() for m in (AccountPlan, PhaseGoal, Strategy, Activity, PlanReview)
    )


@pytest.mark.django_db
def test_demo_has_plans_in_every_state_and_is_idempotent():
    # Only this app's seed, on the accounts demo: other apps' demos are theirs to test.
    command = Command(stdout=io.StringIO())
    users = command.seed_users()
    clients = command.seed_clients(users)
    demo.seed(stdout=io.StringIO(), users=users, clients=clients)
    counts = _counts()
    demo.seed(stdout=io.StringIO(), users=users, clients=clients)
    assert _counts() == counts
    statuses = set(AccountPlan.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "approved"} <= statuses
    submitted = AccountPlan.objects.get(status="submitted")
    assert submitted.reviews.count() == 1
    huayuan = AccountPlan.objects.filter(client=clients["华远"]).order_by("revision")
    assert [p.revision for p in huayuan] == [1, 2]
    assert huayuan[1].previous == huayuan[0]
    assert "二期" in huayuan[0].annual_goals
