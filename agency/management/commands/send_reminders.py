"""One reminder sweep by hand (beat runs the same every few minutes).

python manage.py send_reminders            # in this process
python manage.py send_reminders --queue    # as a Celery task on the workers
"""

from django.core.management.base import BaseCommand

from agency.tasks import reminders_sweep


class Command(BaseCommand):
    help = "Send the reminders that are due now (one sweep; safe to run any time)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="queue the sweep for a Celery worker instead"
        )
        parser.add_argument(
            "--failures",
            action="store_true",
            help="list the reminders that failed or were abandoned, with their error; send nothing",
        )

    def handle(self, *args, queue=False, failures=False, **options):
        if failures:
            self.list_failures()
            return
        if queue:
            reminders_sweep.delay()
            self.stdout.write("Reminder sweep queued.")
            return
        counts = reminders_sweep()  # the task's body, in this process
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
        self.stdout.write(self.style.SUCCESS(f"Reminders: {summary}"))

    def list_failures(self):
        from agency.models import ReminderLog

        rows = ReminderLog.objects.filter(
            status__in=[ReminderLog.Status.FAILED, ReminderLog.Status.ABANDONED]
        ).order_by("created_at")[:200]
        for log in rows:
            self.stdout.write(
                f"{log.status:9} {log.kind} #{log.object_id} {log.occurrence} "
                f"attempts={log.attempts}: {log.last_error.splitlines()[0] if log.last_error else ''}"
            )
        if not rows:
            self.stdout.write("No failed reminders.")
