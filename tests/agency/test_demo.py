import time_machine
from django.core.management import call_command

from agency.models import Notification, ReminderLog

from .factories import aware


@time_machine.travel(aware(2026, 3, 4, 9, 0))  # a Wednesday: finance's reminder is due too
def test_seed_demo_leaves_reminders_due_and_send_reminders_sends_them_once(
    db, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: nothing duplicated
    capsys.readouterr()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert "sent:" in capsys.readouterr().out
    kinds = set(ReminderLog.objects.filter(status="sent").values_list("kind", flat=True))
    assert {
        "invoice_overdue",
        "invoice_not_issued",
        "presentation_not_rehearsed",
        "rehearsal_upcoming",
        "agenda_not_sent",
        "action_item",
    } <= kinds
    day_60 = Notification.objects.filter(kind="reminder.invoice_overdue", subject__contains="60")
    assert {n.recipient.username for n in day_60} == {"ad", "md", "finance"}
    assert any("已逾期 60 天" in m.subject for m in mailoutbox)  # the demo AD reads Chinese
    sent = ReminderLog.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert "nothing due" in capsys.readouterr().out
    assert ReminderLog.objects.count() == sent
