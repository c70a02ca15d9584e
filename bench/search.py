"""Benchmark: the navbar search on 10,000 rows of every searched kind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agency .venv/bin/python bench/search.py

Works in a throw-away test database (test_<name>, created with every migration,
so with the pg_trgm GIN indexes, and dropped here), never in the database
DATABASE_URL names. Builds BENCH_ROWS (default 10,000) clients, contacts,
parties, plans, strategies, briefs, meetings, agenda items, decisions, action
items and invoices with Chinese names, then

- times whole searches (every group, the page's queries) for the MD, who sees
  everything, and for an AM on 100 clients, and prints each median;
- prints EXPLAIN ANALYZE of the bare match on each searched column and of the
  real, permission-scoped brief and client queries, and checks that a query of
  three or more characters uses a `trgm_` index.

A two-character query (翡翠) has no complete trigram: pg_trgm cannot narrow
`ILIKE '%翡翠%'` by the index, so PostgreSQL scans (correct, only slower); the
benchmark prints that case too so the cost is visible.
"""

import datetime as dt
import os
import random
import statistics
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

N = int(os.environ.get("BENCH_ROWS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BATCH = 2000

PLACES = [
    "万科",
    "碧桂园",
    "龙湖",
    "华润",
    "保利",
    "招商",
    "中海",
    "绿城",
    "融创",
    "金地",
    "旭辉",
    "世茂",
]
WORDS = [
    "翡翠",
    "公园",
    "天街",
    "滨江",
    "壹号",
    "花园",
    "湖畔",
    "云境",
    "星河",
    "御府",
    "中心",
    "广场",
    "学府",
    "悦府",
    "海岸",
    "山居",
    "观澜",
    "锦绣",
    "春风",
    "十里",
    "东方",
    "未来",
    "时代",
    "印象",
    "新城",
]
THINGS = [
    "开盘",
    "二期",
    "样板间",
    "发布会",
    "暖场",
    "认筹",
    "交房",
    "品牌",
    "主视觉",
    "直播",
    "路演",
    "促销",
]


def _pool():
    """The curated words plus 1,500 random two-character words, so that, as in
    real data, most trigrams are rare."""
    rng = random.Random(3)  # noqa: S311 - benchmark data, not secrets
    common = [chr(rng.randrange(0x4E00, 0x9000)) for _ in range(600)]
    return WORDS + ["".join(rng.sample(common, 2)) for _ in range(1500)]


POOL = _pool()
PLANTED = "翡翠公园"  # in about 0.1% of the phrases: one project's name


def phrase(rng, k=3) -> str:
    words = [rng.choice(POOL) for _ in range(k)]
    if rng.random() < 0.001:
        words[rng.randrange(k)] = PLANTED
    return "".join(words)


def build():
    from accounts.models import Client, Contact, Party, TeamMembership, User
    from agency.roles import Role
    from billing.models import Invoice
    from briefs.models import Brief
    from meetings.models import ActionItem, AgendaItem, Decision, Meeting
    from plans.models import AccountPlan, Strategy

    rng = random.Random(11)  # noqa: S311 - benchmark data, not secrets
    now = timezone.now()
    today = timezone.localdate()
    md = User.objects.create(username="bmd", full_name="MD", role=Role.MD)
    am = User.objects.create(username="bam", full_name="AM", role=Role.AM)
    clients = Client.objects.bulk_create(
        (
            Client(
                name=f"{rng.choice(PLACES)}{phrase(rng, 2)}{i}",
                short_name=phrase(rng, 1),
                invoice_title=f"{rng.choice(PLACES)}地产（{phrase(rng, 1)}）有限公司",
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(client=c, user=am, team_role=Role.AM, is_lead=True) for c in clients[:100]
    )
    Contact.objects.bulk_create(
        (
            Contact(
                client=clients[i],
                name=f"{rng.choice('王李张刘陈杨黄赵吴周')}{rng.choice(POOL)}",
                title=rng.choice(["市场总监", "营销经理", "策划主管", "销售总监"]),
                email=f"c{i}@client.test",
                phone=f"1{rng.randrange(10**9, 10**10)}",
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    Party.objects.bulk_create(
        (
            Party(
                client=clients[i],
                name=f"{phrase(rng, 2)}{rng.choice(['物业', '代理', '传媒'])}{i}",
                kind=Party.Kind.OTHER,
                contact_name=rng.choice(POOL),
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    plans = AccountPlan.objects.bulk_create(
        (
            AccountPlan(
                client=clients[i],
                year=2027,
                annual_goals=f"{phrase(rng)}{rng.choice(THINGS)}，{phrase(rng)}",
                training_plan=phrase(rng, 4),
                revenue_target=Decimal(1000000),
                cost_target=Decimal(600000),
                created_by=am,
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    Strategy.objects.bulk_create(
        (
            Strategy(
                plan=plans[i],
                title=f"{phrase(rng, 2)}{rng.choice(THINGS)}",
                description=phrase(rng, 5),
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    Brief.objects.bulk_create(
        (
            Brief(
                client=clients[i],
                author=am,
                title=f"{phrase(rng, 2)}{rng.choice(THINGS)}",
                client_problem=f"{phrase(rng, 4)}去化慢",
                proposition=phrase(rng, 3),
                target_audience="改善型家庭",
                deliverables="主视觉一套",
                deadline=today + dt.timedelta(days=30),
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(
                client=clients[i],
                title=f"{phrase(rng, 2)}{rng.choice(THINGS)}会",
                purpose=phrase(rng, 3),
                conclusions=phrase(rng, 4),
                start=now - dt.timedelta(days=rng.randint(0, 700)),
                organiser=am,
                created_by=am,
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    AgendaItem.objects.bulk_create(
        (AgendaItem(meeting=m, topic=rng.choice(THINGS), notes=phrase(rng, 4)) for m in meetings),
        batch_size=BATCH,
    )
    Decision.objects.bulk_create(
        (
            Decision(meeting=m, text=f"{phrase(rng, 3)}{rng.choice(THINGS)}", created_by=am)
            for m in meetings
        ),
        batch_size=BATCH,
    )
    ActionItem.objects.bulk_create(
        (
            ActionItem(
                meeting=m,
                client_id=m.client_id,
                text=f"{phrase(rng, 3)}{rng.choice(THINGS)}",
                owner=am,
                due_date=today + dt.timedelta(days=rng.randint(-30, 30)),
            )
            for m in meetings
        ),
        batch_size=BATCH,
    )
    Invoice.objects.bulk_create(
        (
            Invoice(
                client=clients[i],
                created_by=am,
                status=Invoice.Status.ISSUED,
                subtotal=Decimal(1000),
                total=Decimal(1060),
                number=f"INV-{2020 + i // 2000}-{i % 2000 + 1:04d}",
                number_year=2020 + i // 2000,
                number_seq=i % 2000 + 1,
                fapiao_number=f"{rng.randrange(10**19, 10**20)}",
                issue_date=today - dt.timedelta(days=i % 700),
                due_date=today - dt.timedelta(days=i % 700 - 30),
            )
            for i in range(N)
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        # VACUUM, not only ANALYZE: rows inserted after a GIN index exists sit in
        # its pending list until a vacuum merges them (autovacuum does in
        # production); until then the planner prices the index far too high.
        cursor.execute("VACUUM ANALYZE")
    return md, am


def sample_values() -> dict:
    """Real values of row 1234 for the queries someone would type."""
    from accounts.models import Contact
    from billing.models import Invoice

    contact = Contact.objects.order_by("pk")[1234]
    invoice = Invoice.objects.order_by("pk")[1234]
    return {
        "email": contact.email.split("@")[0] + "@",
        "phone": contact.phone[3:],
        "number": invoice.number,
        "fapiao_number": invoice.fapiao_number[4:14],
    }


def time_search(user, q):
    from agency.search import search

    search(user, q)  # warm up
    times, n_queries, n_hits = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            _query, groups = search(user, q)
            times.append((time.perf_counter() - t0) * 1000)
        n_queries = len(queries)
        n_hits = sum(len(g.hits) for g in groups)
    return statistics.median(times), n_queries, n_hits


def explain(qs) -> str:
    return qs.explain(analyze=True)


def index_used(plan: str) -> bool:
    return "Index Scan on trgm_" in plan


def main():
    from accounts.models import Client, Contact, Party
    from accounts.selectors import client_list_for_user
    from agency.search import matches
    from billing.models import Invoice
    from briefs.models import Brief
    from briefs.search import BRIEF_FIELDS
    from briefs.selectors import brief_list_for_user
    from meetings.models import ActionItem, AgendaItem, Decision, Meeting
    from plans.models import AccountPlan, Strategy

    if connection.vendor != "postgresql":
        sys.exit("bench/search.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        t0 = time.perf_counter()
        md, am = build()
        print(f"built {N:,} rows of each of 11 kinds in {time.perf_counter() - t0:.1f}s")
        sample = sample_values()
        queries = [
            "翡翠",
            PLANTED,
            "万科翡翠",
            "去化慢",
            sample["number"],
            sample["fapiao_number"],
            "zzz",
        ]
        print(f"\nwhole search, median of {RUNS} runs (every group, at most 10 hits each):")
        for label, user in [("MD (sees all)", md), ("AM on 100 clients", am)]:
            for q in queries:
                median, n_queries, n_hits = time_search(user, q)
                print(
                    f"  {label:18} {q!r:16} median {median:7.1f} ms, {n_queries} queries, {n_hits} hits"
                )

        print(
            "\nEXPLAIN ANALYZE of the match on each searched column, query '翡翠公园' (4 characters) or a real value:"
        )
        columns = [
            (Client, ["name", "short_name", "invoice_title"]),
            (Contact, ["name", "title", "email", "phone"]),
            (Party, ["name", "contact_name"]),
            (AccountPlan, ["annual_goals", "training_plan"]),
            (Strategy, ["title", "description"]),
            (Brief, list(BRIEF_FIELDS)),
            (Meeting, ["title", "purpose", "conclusions"]),
            (AgendaItem, ["topic", "notes"]),
            (Decision, ["text"]),
            (ActionItem, ["text"]),
            (Invoice, ["number", "fapiao_number"]),
        ]
        failures = []
        for model, fields in columns:
            for field in fields:
                q = sample.get(field, PLANTED)
                plan = explain(model.objects.filter(**{f"{field}__searchcontains": q}).values("pk"))
                used = index_used(plan)
                if not used:
                    failures.append(f"{model._meta.db_table}.{field}")
                print(
                    f"  {model._meta.db_table + '.' + field:36} {q!r:16} trigram index: {'yes' if used else 'NO'}"
                )

        print("\nThe MD's brief search, '翡翠公园' (the real, scoped query of the briefs group):")
        qs = brief_list_for_user(md).filter(matches("翡翠公园", *BRIEF_FIELDS))[:11]
        plan = explain(qs)
        print("  " + plan.replace("\n", "\n  "))
        if not index_used(plan):
            failures.append("briefs group query")

        print("\nThe AM's client search, '万科翡翠' (scoped to their 100 clients):")
        plan = explain(
            client_list_for_user(am)
            .prefetch_related(None)
            .filter(matches("万科翡翠", "name", "short_name", "invoice_title"))[:11]
        )
        print("  " + plan.replace("\n", "\n  "))

        print("\nTwo characters, '翡翠' (no complete trigram, so no index narrowing):")
        plan = explain(Brief.objects.filter(title__searchcontains="翡翠").values("pk"))
        print("  " + plan.replace("\n", "\n  "))

        if failures:
            print(f"\nNO trigram index used for: {', '.join(failures)}")
            sys.exit(1)
        print("\nevery 3+ character match above uses its trigram index")
    finally:
        if not os.environ.get("BENCH_KEEP"):  # keep it to look at plans by hand
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
