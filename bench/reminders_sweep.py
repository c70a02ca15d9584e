"""Benchmark: one reminder sweep over 100,000 invoices of which a few dozen are due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agency .venv/bin/python bench/reminders_sweep.py

Works in a throw-away database (bench_reminders_<name>, created and dropped here),
never in the database DATABASE_URL names. Prints the time of one sweep that
sends the due reminders, and of the next sweep that finds nothing left: the
steady-state cost beat pays every five minutes. Target: well under a second.

As on a worker, the process is warm (URLconf imported, templates compiled)
before the clock starts, and the emails are queued for the workers (their
SMTP sending is not part of the sweep): the queued task ids are counted.
"""

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

N_INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
N_CLIENTS = 200
# Wednesday 4 March 2026, 10:00 Shanghai: a business day.
NOW = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 0))  # noqa: DTZ001 - made aware
TODAY = NOW.date()


def build():
    from accounts.models import Client, TeamMembership, User
    from agency.models import ReminderLog
    from agency.roles import Role
    from billing.models import Invoice

    users = User.objects.bulk_create(
        [
            User(
                username="bench-finance", full_name="Finance", role=Role.FINANCE, email="f@x.test"
            ),
            User(username="bench-md", full_name="MD", role=Role.MD, email="md@x.test"),
        ]
        + [
            User(username=f"bench-{r}-{i}", full_name=f"{r} {i}", role=r, email=f"{r}{i}@x.test")
            for i in range(N_CLIENTS // 10)
            for r in (Role.AM, Role.AD)
        ]
    )
    ams = [u for u in users if u.role == Role.AM]
    ads = [u for u in users if u.role == Role.AD]
    clients = Client.objects.bulk_create(
        [Client(name=f"Bench client {i}", short_name=f"B{i}") for i in range(N_CLIENTS)]
    )
    TeamMembership.objects.bulk_create(
        [
            m
            for i, c in enumerate(clients)
            for m in (
                TeamMembership(client=c, user=ams[i % len(ams)], team_role=Role.AM, is_lead=True),
                TeamMembership(client=c, user=ads[i % len(ads)], team_role=Role.AD),
            )
        ]
    )
    total = Decimal("10600.00")

    def issued(i, due, status=Invoice.Status.ISSUED):
        paid = status == Invoice.Status.PAID
        return Invoice(
            client=clients[i % N_CLIENTS],
            created_by=ams[i % len(ams)],
            status=status,
            total=total,
            amount_paid=total if paid else Decimal(0),
            number=f"B{i:07d}",
            number_year=2026,
            number_seq=i + 1,
            issue_date=due - dt.timedelta(days=30),
            due_date=due,
        )

    rows, due_expected = [], 0
    for i in range(N_INVOICES):
        kind = i % 1000
        if kind < 10:  # 1% drafts
            rows.append(Invoice(client=clients[i % N_CLIENTS], created_by=ams[0], total=total))
        elif kind < 12:  # requested days ago: finance is reminded (0.2% = 200 with 100k)...
            # ...but only a handful are old enough and unissued: keep most recent
            old = kind == 10 and i < 8000
            rows.append(
                Invoice(
                    client=clients[i % N_CLIENTS],
                    created_by=ams[0],
                    requested_by=ams[0],
                    status=Invoice.Status.REQUESTED,
                    requested_at=NOW - (dt.timedelta(days=5) if old else dt.timedelta(hours=3)),
                    total=total,
                )
            )
            due_expected += old
        elif kind < 300:  # issued, not yet due (within the next 4 months, not in 3 days)
            rows.append(issued(i, TODAY + dt.timedelta(days=4 + i % 120)))
        elif kind < 305 and i < 10000:  # issued and exactly on a ladder step today
            step = (-3, 1, 15, 30, 60)[kind - 300]
            rows.append(issued(i, TODAY - dt.timedelta(days=step)))
            due_expected += 1
        elif kind < 400:  # overdue, between the steps (already reminded, nothing due)
            rows.append(issued(i, TODAY - dt.timedelta(days=5 + i % 9)))
        else:  # paid, due dates over two years
            rows.append(issued(i, TODAY - dt.timedelta(days=i % 700), Invoice.Status.PAID))
    Invoice.objects.bulk_create(rows, batch_size=5000)

    # A realistic log: earlier steps of the overdue invoices already sent.
    ct = ContentType.objects.get_for_model(Invoice)
    sent = Invoice.objects.filter(status=Invoice.Status.PAID).values_list("pk", flat=True)
    ReminderLog.objects.bulk_create(
        [
            ReminderLog(
                kind="invoice_overdue",
                content_type=ct,
                object_id=pk,
                occurrence="day-1",
                status="sent",
                attempts=1,
                sent_at=NOW - dt.timedelta(days=30),
            )
            for pk in sent[:50000]
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return due_expected


def warm_up():
    """What a long-running worker has done before its first sweep."""
    from django.urls import reverse

    from accounts.models import Client, User
    from agency.notifications import render_for
    from billing.models import Invoice

    reverse("home")
    invoice = Invoice(client=Client(name="w"), number="W", due_date=TODAY, total=0)
    for kind in ("invoice_not_issued", "invoice_due_soon", "invoice_overdue"):
        for language in ("en", "zh-hans"):
            render_for(
                User(language=language),
                f"reminders/{kind}",
                {"invoice": invoice, "client": invoice.client, "days": 1, "url": "/"},
            )


def main():
    from agency.models import Notification, ReminderLog
    from agency.reminders import sweep
    from billing.models import Invoice
    from billing.reminders import InvoiceOverdue

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        # its own database: never the one a concurrent pytest run uses (test_<name>)
        connection.settings_dict["TEST"]["NAME"] = f"bench_reminders_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        t0 = time.perf_counter()
        due_expected = build()
        print(
            f"built {Invoice.objects.count():,} invoices, {ReminderLog.objects.count():,} log rows "
            f"in {time.perf_counter() - t0:.1f}s on {connection.vendor}"
        )
        from agency import tasks

        queued = []
        tasks.notification_email_send.delay = queued.append  # queue, as for a real worker
        warm_up()
        with time_machine.travel(NOW, tick=True):
            t0, c0 = time.perf_counter(), time.process_time()
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                prof = cProfile.Profile()
                counts = prof.runcall(sweep)
                pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
            else:
                counts = sweep()
            first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            again = sweep()
            second, second_cpu = time.perf_counter() - t0, time.process_time() - c0
            # the query the day-30 step really runs (not a hand-made look-alike)
            rule = InvoiceOverdue()
            day_30 = TODAY - dt.timedelta(days=30)
            plan = rule.not_logged(
                rule.queryset().filter(status="issued", due_date__range=(day_30, day_30)),
                "day-30",
            ).explain()
        inbox = Notification.objects.filter(kind__startswith="reminder.").count()
        print(
            f"due reminders expected: {due_expected}; sweep result: {counts}; inbox rows: {inbox}"
        )
        print(
            f"sweep sending them: {first * 1000:.0f} ms (CPU of this process {first_cpu * 1000:.0f} ms)"
        )
        print(
            f"next sweep (nothing due): {second * 1000:.0f} ms (CPU {second_cpu * 1000:.0f} ms) {again or ''}"
        )
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print("plan of the day-30 query:")
        print("  " + "\n  ".join(plan.splitlines()))
        assert counts.get("sent", 0) == due_expected, "the sweep missed or invented reminders"
        assert again == {}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
