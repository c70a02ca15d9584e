"""One reminder sweep by hand (beat runs the same every few minutes).

python manage.py send_reminders            # in this process
python manage.py send_reminders --queue    # as a Celery task on the workers
"""

from django.core.management.base import BaseCommand

from agency.reminders import sweep


class Command(BaseCommand):
    help = "Send the reminders that are due now (one sweep; safe to run any time)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="queue the sweep for a Celery worker instead"
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            from agency.tasks import reminders_sweep

            reminders_sweep.delay()
            self.stdout.write("Reminder sweep queued.")
            return
        counts = sweep()
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
        self.stdout.write(self.style.SUCCESS(f"Reminders: {summary}"))
