import pytest
from django.core.management import call_command

from briefs.models import Brief, CreativeWork, Escalation, HandOff, Job, Judgment


@pytest.mark.django_db
def test_seed_demo_has_briefs_in_every_state_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (
        Brief.objects.count(),
        CreativeWork.objects.count(),
        Judgment.objects.count(),
        Escalation.objects.count(),
        Job.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Brief.objects.count(),
        CreativeWork.objects.count(),
        Judgment.objects.count(),
        Escalation.objects.count(),
        Job.objects.count(),
    )
    assert set(Brief.objects.values_list("status", flat=True)) == set(Brief.Status.values)
    levels = set(Judgment.objects.values_list("level", "verdict"))
    assert {
        ("strategy", "yes"),
        ("strategy", "no"),
        ("quality", "yes"),
        ("quality", "no"),
    } <= levels
    assert Escalation.objects.count() == 1 and HandOff.objects.exists()
    huayuan = Brief.objects.filter(client__short_name="华远")
    assert huayuan.filter(proposition__contains="二十分钟到CBD").exists()
