"""Benchmark: the receivables ageing report and the profitability table at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agency .venv/bin/python bench/billing_ageing.py

Works in a throw-away test database (test_<name>, created and dropped here),
never in the database DATABASE_URL names. Builds BENCH_INVOICES invoices
(default 100,000; most paid, a realistic share open) and as many time entries
over 200 clients, then times one ageing report for finance (what the page and
both exports run) and one profitability table of 25 clients (a page).
"""

import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_INVOICES", "100000"))
N_CLIENTS = 200


def build():
    from accounts.models import Client, TeamMembership, User
    from agency.roles import Role
    from billing.models import CostRate, Invoice, TimeEntry

    rng = random.Random(6)  # noqa: S311 - benchmark data, not secrets
    today = timezone.localdate()
    users = User.objects.bulk_create(
        User(username=f"b{i}", full_name=f"Bench {i}", role=Role.AM) for i in range(50)
    )
    finance = User.objects.create(username="bfin", full_name="Finance", role=Role.FINANCE)
    clients = Client.objects.bulk_create(Client(name=f"Bench client {i}") for i in range(N_CLIENTS))
    TeamMembership.objects.bulk_create(
        TeamMembership(client=c, user=users[i % 50], team_role=Role.AM, is_lead=True)
        for i, c in enumerate(clients)
    )
    CostRate.objects.create(role=Role.AM, rate=Decimal("420"), effective_from=dt.date(2000, 1, 1))
    invoices = []
    for i in range(N):
        issue = today - dt.timedelta(days=rng.randint(0, 720))
        total = Decimal(rng.randint(1000, 900000)) / 100
        paid = rng.random() < 0.9
        invoices.append(
            Invoice(
                client=clients[i % N_CLIENTS],
                created_by=users[i % 50],
                status=Invoice.Status.PAID if paid else Invoice.Status.ISSUED,
                subtotal=total,
                total=total,
                amount_paid=total if paid else Decimal(0),
                number=f"B-{i}",
                number_year=1000 + i // 100000,
                number_seq=i % 100000 + 1,
                issue_date=issue,
                due_date=issue + dt.timedelta(days=30),
            )
        )
    Invoice.objects.bulk_create(invoices, batch_size=5000)
    TimeEntry.objects.bulk_create(
        (
            TimeEntry(
                user=users[i % 50],
                role=users[i % 50].role,
                client=clients[i % N_CLIENTS],
                date=today - dt.timedelta(days=rng.randint(0, 300)),
                hours=Decimal("1.50"),
                activity=TimeEntry.Activity.MEETING,
            )
            for i in range(N)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return finance, clients


def timed(label, fn):
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
    print(f"{label}: {elapsed * 1000:.0f} ms, {len(queries)} queries")
    return result


def main():
    from billing.selectors import ageing_report, profitability_for

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        t0 = time.perf_counter()
        finance, clients = build()
        print(f"built {N:,} invoices and {N:,} time entries in {time.perf_counter() - t0:.1f}s")
        ageing_report(finance)  # warm up
        report = timed("ageing report (200 clients)", lambda: ageing_report(finance))
        print(f"  open total {report.totals.total:,.2f}")
        year = timezone.localdate().year
        timed(
            "profitability, one page of 25 clients",
            lambda: profitability_for(finance, year=year, clients=clients[:25]),
        )
        timed("profitability, all 200 clients", lambda: profitability_for(finance, year=year))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
