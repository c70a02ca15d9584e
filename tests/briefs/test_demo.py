import io

import pytest

from accounts.management.commands.seed_demo import Command
from briefs import demo
from briefs.models import Brief, CreativeWork, Escalation, HandOff, Job, Judgment


def _counts():
    return tuple(
        m.objects.count() for m in (Brief, CreativeWork, Judgment, Escalation, Job, HandOff)
    )


@pytest.mark.django_db
def test_demo_has_briefs_in_every_state_and_is_idempotent():
    # Only this app's seed, on the accounts demo: other apps' demos are theirs to test.
    command = Command(stdout=io.StringIO())
    users = command.seed_users()
    clients = command.seed_clients(users)
    demo.seed(stdout=io.StringIO(), users=users, clients=clients)
    counts = _counts()
    demo.seed(stdout=io.StringIO(), users=users, clients=clients)
    assert _counts() == counts
    assert set(Brief.objects.values_list("status", flat=True)) == set(Brief.Status.values)
    levels = set(Judgment.objects.values_list("level", "verdict"))
    assert {
        ("strategy", "yes"),
        ("strategy", "no"),
        ("quality", "yes"),
        ("quality", "no"),
    } <= levels
    assert Escalation.objects.count() == 1 and HandOff.objects.exists()
    assert Job.objects.get().stages.count() == 6
    huayuan = Brief.objects.filter(client__short_name="华远")
    assert huayuan.filter(proposition__contains="二十分钟到CBD").exists()
    # A closed brief's work was judged before it closed: nothing left waiting forever.
    assert not CreativeWork.objects.filter(
        brief__status=Brief.Status.CLOSED, status=CreativeWork.Status.SUBMITTED
    ).exists()


@pytest.mark.django_db
def test_demo_scale_bulk_inserts_briefs():
    command = Command(stdout=io.StringIO())
    users = command.seed_users()
    command.seed_clients(users)
    demo.seed_scale(stdout=io.StringIO(), n=2)
    demo.seed_scale(stdout=io.StringIO(), n=2)
    assert Brief.objects.filter(title__startswith="Scale brief ").count() == 40
