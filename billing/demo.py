"""Demo billing: cost rates, invoices in every state across the ageing buckets,
payments, and a few months of time entries. Called by `seed_demo`.

Idempotent: each part is skipped when it already exists. Rows are written
directly (not through the services) so seeding sends no notifications, but
invoice numbers still come from the locked per-year counter, so they stay
gapless next to invoices issued through the app.
"""

import datetime as dt
import random
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import TeamMembership, User
from accounts.validators import uscc_check_char
from agency.roles import Role

from .models import (
    AgencyProfile,
    CostRate,
    Invoice,
    InvoiceLine,
    InvoiceNumberCounter,
    Payment,
    RedLetterInvoice,
    RedLetterNumberCounter,
    TimeEntry,
    money,
)
from .services import _next_number, invoice_number, red_letter_number

LETTERHEAD_USCC_BASE = "91310000MA1K3Y8P0"  # + its check character
# 数电票 (20-digit numbers): one partly reversed (销售折让), one reversed in full.
DIGITAL_INVOICES = [
    (
        "华远",
        Invoice.Kind.DIGITAL_SPECIAL,
        10,
        [("二期开盘整合传播 - 执行费", 1, "100000.00")],
        ("discount", "20000.00"),
    ),
    (
        "华远",
        Invoice.Kind.DIGITAL_ORDINARY,
        25,
        [("户外广告画面制作 (重开)", 1, "18000.00")],
        ("error", None),
    ),
    (
        "Northwind",
        Invoice.Kind.DIGITAL_ORDINARY,
        -12,
        [("Social listening (Sep)", 1, "26000.00")],
        None,
    ),
]

# Hourly internal cost by role (CNY); a raise from the start of this year.
RATES = {
    Role.MD: ("1200", "1300"),
    Role.BD: ("900", "950"),
    Role.AD: ("650", "700"),
    Role.AM: ("420", "450"),
    Role.AE: ("260", "280"),
    Role.CREATIVE_DIRECTOR: ("750", "800"),
    Role.CREATIVE: ("380", "400"),
    Role.PLANNER: ("450", "480"),
    Role.MEDIA: ("320", "340"),
    Role.TRAFFIC: ("220", "240"),
    Role.FINANCE: ("300", "320"),
}

# (client short name, state, days past due (issued) / days ago, lines, paid share)
INVOICES = [
    ("华远", Invoice.Status.DRAFT, 0, [("二期开盘整合传播 - 策略与创意", 1, "180000.00")], None),
    ("华远", Invoice.Status.REQUESTED, 2, [("9月报纸稿 x 4", 4, "12500.00")], None),
    ("华远", Invoice.Status.ISSUED, -20, [("样板间开放活动执行", 1, "86000.00")], None),
    ("华远", Invoice.Status.ISSUED, 12, [("户外广告设计", 3, "15000.00")], "0.4"),
    ("华远", Invoice.Status.ISSUED, 47, [("一期品牌月费 (7月)", 1, "60000.00")], None),
    ("华远", Invoice.Status.ISSUED, 75, [("一期品牌月费 (6月)", 1, "60000.00")], None),
    ("华远", Invoice.Status.ISSUED, 130, [("售楼处导视系统", 1, "42800.00")], "0.25"),
    ("华远", Invoice.Status.PAID, 20, [("一期品牌月费 (5月)", 1, "60000.00")], "1"),
    ("Northwind", Invoice.Status.DRAFT, 0, [("Summer push - retainer (Aug)", 1, "45000.00")], None),
    ("Northwind", Invoice.Status.REQUESTED, 5, [("Shopper marketing POSM", 1200, "18.50")], None),
    (
        "Northwind",
        Invoice.Status.ISSUED,
        -5,
        [("Summer push - retainer (Jul)", 1, "45000.00")],
        None,
    ),
    ("Northwind", Invoice.Status.ISSUED, 33, [("KOL content production", 6, "8800.00")], None),
    ("Northwind", Invoice.Status.PAID, 10, [("Summer push - retainer (Jun)", 1, "45000.00")], "1"),
    ("Northwind", Invoice.Status.VOID, 40, [("Retainer (duplicate)", 1, "45000.00")], None),
    ("Apex", Invoice.Status.ISSUED, 95, [("EV launch event - agency fee", 1, "250000.00")], None),
    ("Apex", Invoice.Status.ISSUED, 64, [("Dealer toolkit design", 1, "38000.00")], "0.5"),
    ("Apex", Invoice.Status.ISSUED, -40, [("Q3 digital retainer", 1, "120000.00")], None),
]

ACTIVITY_WEIGHTS = [
    (TimeEntry.Activity.PLAN, 1),
    (TimeEntry.Activity.STRATEGY, 3),
    (TimeEntry.Activity.MEETING, 4),
    (TimeEntry.Activity.PRESENTATION, 2),
    (TimeEntry.Activity.REPRESENTATION, 1),
    (TimeEntry.Activity.PRODUCTION, 5),
    (TimeEntry.Activity.ADMIN, 1),
]


def _reserve_numbers(year: int, count: int) -> int:
    """Reserve `count` consecutive numbers of `year`; return the first."""
    InvoiceNumberCounter.objects.bulk_create(
        [InvoiceNumberCounter(year=year, last=0)], ignore_conflicts=True
    )
    counter = InvoiceNumberCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    InvoiceNumberCounter.objects.filter(pk=year).update(last=F("last") + count)
    return first


def _number_issued(invoices: list[Invoice]) -> None:
    """Give issued/paid/void invoices numbers in issue-date order, per year."""
    by_year = defaultdict(list)
    for inv in invoices:
        if inv.issue_date:
            by_year[inv.issue_date.year].append(inv)
    for year, group in by_year.items():
        group.sort(key=lambda i: i.issue_date)
        first = _reserve_numbers(year, len(group))
        for offset, inv in enumerate(group):
            inv.number_year, inv.number_seq = year, first + offset
            inv.number = invoice_number(year, first + offset)


def _totals(lines) -> tuple[Decimal, Decimal]:
    net = sum((money(Decimal(q) * Decimal(p)) for _d, q, p in lines), Decimal("0.00"))
    return net, money(net * Decimal("0.06"))


def _build(client, creator, finance, status, days, lines, paid_share, today):
    now = timezone.now()
    subtotal, tax = _totals(lines)
    inv = Invoice(
        client=client,
        created_by=creator,
        status=status,
        currency=client.currency,
        subtotal=subtotal,
        tax_amount=tax,
        total=subtotal + tax,
        note_to_finance="",
    )
    if status != Invoice.Status.DRAFT:
        inv.requested_by = creator
        inv.requested_at = now - dt.timedelta(days=max(days, 0) + client.payment_terms_days + 2)
    if status == Invoice.Status.REQUESTED:
        inv.requested_at = now - dt.timedelta(days=days)
    if status in Invoice.NUMBERED:
        inv.due_date = today - dt.timedelta(days=days)
        inv.issue_date = min(inv.due_date - dt.timedelta(days=client.payment_terms_days), today)
        inv.fapiao_number = f"0440{random.randint(10**7, 10**8 - 1)}"  # noqa: S311 - demo data
        inv.client_name = client.name
        inv.invoice_title = client.invoice_title or client.name
        inv.tax_id = client.tax_id
        inv.issued_by = finance
        inv.issued_at = now - dt.timedelta(days=(today - inv.issue_date).days)
    if paid_share:
        inv.amount_paid = money(inv.total * Decimal(paid_share))
        if inv.amount_paid == inv.total:
            inv.status = Invoice.Status.PAID
            inv.paid_at = now
    if status == Invoice.Status.VOID:
        inv.void_reason = "重复开票 / duplicate of another invoice"
        inv.voided_by = finance
        inv.voided_at = now
    return inv


@transaction.atomic
def seed(*, stdout, users, clients):
    today = timezone.localdate()
    random.seed(6)
    # Finance maintains cost rates in the admin (PERMISSIONS.md), so needs staff.
    finance = users["finance"]
    if not finance.is_staff:
        finance.is_staff = True
        finance.save(update_fields=["is_staff"])

    for role, (old, new) in RATES.items():
        CostRate.objects.get_or_create(
            role=role, effective_from=dt.date(today.year - 1, 1, 1), defaults={"rate": Decimal(old)}
        )
        CostRate.objects.get_or_create(
            role=role, effective_from=dt.date(today.year, 1, 1), defaults={"rate": Decimal(new)}
        )

    demo_clients = [clients[k] for k in ("华远", "Northwind", "Apex") if k in clients]
    if not Invoice.objects.filter(client__in=demo_clients).exists():
        built = []
        for short, status, days, lines, paid in INVOICES:
            client = clients[short]
            lead = TeamMembership.objects.filter(client=client, is_lead=True).first()
            creator = lead.user if lead else users["am"]
            built.append(
                (_build(client, creator, finance, status, days, lines, paid, today), lines)
            )
        _number_issued([inv for inv, _lines in built])
        for inv, lines in built:
            inv.save()
            InvoiceLine.objects.bulk_create(
                InvoiceLine(
                    invoice=inv,
                    position=i,
                    description=d,
                    quantity=Decimal(q),
                    unit_price=Decimal(p),
                    tax_rate=Decimal("6.00"),
                )
                for i, (d, q, p) in enumerate(lines)
            )
            if inv.amount_paid:
                Payment.objects.create(
                    invoice=inv,
                    date=min(inv.due_date, today),
                    amount=inv.amount_paid,
                    method=Payment.Method.BANK_TRANSFER,
                    reference=f"TT{inv.pk:06d}",
                    recorded_by=finance,
                )
        stdout.write(f"billing: {len(built)} demo invoices")

    _seed_fapiao(clients=clients, users=users, finance=finance, today=today, stdout=stdout)

    if not TimeEntry.objects.filter(client__in=demo_clients).exists():
        entries = _time_entries(
            TeamMembership.objects.filter(client__in=demo_clients).select_related("user"),
            start=today - dt.timedelta(days=120),
            end=today,
            per_member_day=0.6,
        )
        TimeEntry.objects.bulk_create(entries, batch_size=2000)
        stdout.write(f"billing: {len(entries)} demo time entries")


def _seed_fapiao(*, clients, users, finance, today, stdout):
    """The letterhead, three 数电票 and their red-letter invoices (one partial
    红冲, one full), idempotent: skipped once a demo red-letter invoice exists."""
    if not AgencyProfile.objects.exists():
        AgencyProfile.objects.create(
            name="上海示范广告有限公司",
            address="上海市静安区南京西路 1266 号 38 楼",
            phone="021-6288 0000",
            tax_id=LETTERHEAD_USCC_BASE + uscc_check_char(LETTERHEAD_USCC_BASE),
            bank="招商银行上海分行南京西路支行",
            bank_account="1219 0888 8810 001",
        )
    letterhead = AgencyProfile.current()
    wanted = [row for row in DIGITAL_INVOICES if row[0] in clients]
    if (
        not wanted
        or RedLetterInvoice.objects.filter(
            invoice__client__in=[clients[row[0]] for row in wanted]
        ).exists()
    ):
        return
    built = []
    for short, kind, days, lines, red in wanted:
        client = clients[short]
        lead = TeamMembership.objects.filter(client=client, is_lead=True).first()
        creator = lead.user if lead else users["am"]
        inv = _build(client, creator, finance, Invoice.Status.ISSUED, days, lines, None, today)
        inv.kind = kind
        inv.fapiao_number = f"{today:%y}31{random.randint(10**15, 10**16 - 1)}"  # noqa: S311
        inv.seller_name, inv.seller_tax_id = letterhead.name, letterhead.tax_id
        built.append((inv, lines, red))
    _number_issued([inv for inv, _lines, _red in built])
    for inv, lines, red in built:
        inv.save()
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=inv,
                position=i,
                description=d,
                quantity=Decimal(q),
                unit_price=Decimal(p),
                tax_rate=Decimal("6.00"),
            )
            for i, (d, q, p) in enumerate(lines)
        )
        if red is None:
            continue
        reason, amount = red
        total = inv.total if amount is None else Decimal(amount)
        subtotal = inv.subtotal if amount is None else money(total * inv.subtotal / inv.total)
        issue_date = min(inv.issue_date + dt.timedelta(days=7), today)
        seq = _next_number(issue_date.year, RedLetterNumberCounter)
        RedLetterInvoice.objects.create(
            invoice=inv,
            reason=reason,
            is_full=amount is None,
            note="数电票红冲演示 / demo red-letter invoice",
            subtotal=subtotal,
            tax_amount=total - subtotal,
            total=total,
            number=red_letter_number(issue_date.year, seq),
            number_year=issue_date.year,
            number_seq=seq,
            fapiao_number=f"{today:%y}32{random.randint(10**15, 10**16 - 1)}",  # noqa: S311
            issue_date=issue_date,
            issued_by=finance,
        )
        inv.amount_credited = total
        if total == inv.total:
            inv.status = Invoice.Status.CREDITED
        inv.save(update_fields=["amount_credited", "status"])
    stdout.write(f"billing: {len(built)} demo 数电票 with red-letter invoices")


def _time_entries(memberships, *, start, end, per_member_day):
    # S311 throughout: random here makes demo data, not secrets.
    activities = [a for a, _w in ACTIVITY_WEIGHTS]
    weights = [w for _a, w in ACTIVITY_WEIGHTS]
    hours = [Decimal(h) for h in ("0.50", "1.00", "1.50", "2.00", "3.00", "4.00")]
    entries = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            for m in memberships:
                if random.random() < per_member_day:  # noqa: S311
                    entries.append(
                        TimeEntry(
                            user_id=m.user_id,
                            role=m.user.role,
                            client_id=m.client_id,
                            date=day,
                            hours=random.choice(hours),  # noqa: S311
                            activity=random.choices(activities, weights)[0],  # noqa: S311
                        )
                    )
        day += dt.timedelta(days=1)
    return entries


@transaction.atomic
def seed_scale(*, stdout, n):
    """n x 50 invoices and n x 200 time entries over every client, bulk inserted."""
    today = timezone.localdate()
    rng = random.Random(n)  # noqa: S311 - demo data
    memberships = list(
        TeamMembership.objects.filter(team_role__in=[Role.AD, Role.AM, Role.AE]).values_list(
            "client_id", "user_id"
        )
    )
    all_memberships = list(TeamMembership.objects.values_list("client_id", "user_id", "user__role"))
    if not memberships:
        return
    finance_id = (
        User.objects.filter(role=Role.FINANCE).values_list("pk", flat=True).order_by("pk").first()
    )
    statuses = (
        [Invoice.Status.DRAFT, Invoice.Status.REQUESTED]
        + [Invoice.Status.ISSUED] * 5
        + [Invoice.Status.PAID] * 3
        + [Invoice.Status.VOID]
    )
    invoices = []
    now = timezone.now()
    for _ in range(n * 50):
        client_id, user_id = rng.choice(memberships)
        status = rng.choice(statuses)
        net = money(Decimal(rng.randint(1000, 500000)))
        tax = money(net * Decimal("0.06"))
        inv = Invoice(
            client_id=client_id,
            created_by_id=user_id,
            status=status,
            subtotal=net,
            tax_amount=tax,
            total=net + tax,
        )
        if status != Invoice.Status.DRAFT:
            inv.requested_by_id = user_id
            inv.requested_at = now - dt.timedelta(days=rng.randint(0, 400))
        if status in Invoice.NUMBERED:
            inv.issue_date = today - dt.timedelta(days=rng.randint(0, 400))
            inv.due_date = inv.issue_date + dt.timedelta(days=30)
            # Unique across runs (a database constraint): never a random draw.
            inv.fapiao_number = f"S{uuid.uuid4().hex[:16]}"
            inv.issued_by_id = finance_id
            inv.issued_at = now
        if status == Invoice.Status.PAID:
            inv.amount_paid = inv.total
            inv.paid_at = now
        if status == Invoice.Status.VOID:
            inv.void_reason = "demo"
        invoices.append(inv)
    _number_issued(invoices)
    Invoice.objects.bulk_create(invoices, batch_size=2000)
    if finance_id:
        Payment.objects.bulk_create(
            (
                Payment(
                    invoice_id=inv.pk,
                    date=min(inv.due_date, today),
                    amount=inv.total,
                    recorded_by_id=finance_id,
                )
                for inv in invoices
                if inv.status == Invoice.Status.PAID and inv.pk
            ),
            batch_size=2000,
        )
    entries = [
        TimeEntry(
            client_id=c,
            user_id=u,
            role=role,
            date=today - dt.timedelta(days=rng.randint(0, 180)),
            hours=Decimal(rng.choice(["0.50", "1.00", "2.00", "4.00"])),
            activity=rng.choice([a for a, _w in ACTIVITY_WEIGHTS]),
        )
        for c, u, role in (rng.choice(all_memberships) for _ in range(n * 200))
    ]
    TimeEntry.objects.bulk_create(entries, batch_size=2000)
    stdout.write(f"billing: {len(invoices)} invoices and {len(entries)} time entries (scale {n})")
