import pytest
from django.core.management import call_command

from meetings.models import ActionItem, Meeting, PresentationRound


@pytest.mark.django_db
def test_seed_demo_has_meetings_rounds_and_rehearsal_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (
        Meeting.objects.count(),
        ActionItem.objects.count(),
        PresentationRound.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Meeting.objects.count(),
        ActionItem.objects.count(),
        PresentationRound.objects.count(),
    )
    # past meetings with minutes and open action items
    closed = Meeting.objects.filter(status=Meeting.Status.CLOSED)
    assert closed.count() >= 2
    assert all(m.conclusions for m in closed)
    assert ActionItem.objects.filter(done_at__isnull=True, meeting__in=closed).exists()
    # an upcoming presentation with its rehearsal
    # (other apps' demos add rehearsals of their own)
    rehearsal = Meeting.objects.get(
        kind=Meeting.Kind.REHEARSAL, rehearsal_for__title="花园城春季开盘 创意提案"
    )
    assert rehearsal.rehearsal_for.kind == Meeting.Kind.PRESENTATION
    assert rehearsal.end <= rehearsal.rehearsal_for.start
    # a presentation in its second round, the first with its cause and note
    second = PresentationRound.objects.get(number=2)
    first = second.presentation.rounds.get(number=1)
    assert first.failure_cause and first.failure_note
