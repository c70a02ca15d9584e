"""Permission-scoped reads for billing: invoices, ageing, time, profitability.

`invoice_get_for_user` is THE permission helper for an invoice; every view,
PDF, export and service goes through `billing_access`. Finance, the MD and the
BD see all billing; account service see their own clients' billing; everyone
else gets 404.
"""

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, TeamMembership
from agency.permissions import NOT_FOUND, object_or_404
from agency.roles import ACCOUNT_SERVICE, SEES_ALL, Role

from .models import (
    ZERO,
    AgencyProfile,
    CostRate,
    Invoice,
    Payment,
    RedLetterInvoice,
    TimeEntry,
    TimesheetLock,
    money,
)


@dataclass(frozen=True)
class BillingAccess:
    """What one user may do with one client's billing."""

    can_view: bool  # invoices, ageing, profitability, others' time
    can_draft: bool  # draft and request invoices (account service on the team)
    is_finance: bool  # issue, record payments, void


NO_BILLING = BillingAccess(False, False, False)


def _sees_all_billing(user) -> bool:
    return user.role in SEES_ALL or user.role == Role.FINANCE


def billing_access(user, client: Client, membership: TeamMembership | None = None) -> BillingAccess:
    if not user.is_authenticated or not user.is_active:
        return NO_BILLING
    if membership is None:
        membership = TeamMembership.objects.filter(client=client, user=user).first()
    on_account_team = membership is not None and membership.team_role in ACCOUNT_SERVICE
    return BillingAccess(
        can_view=_sees_all_billing(user) or on_account_team,
        can_draft=on_account_team,
        is_finance=user.role == Role.FINANCE,
    )


def billing_client_ids(user) -> QuerySet | None:
    """Clients whose billing the user sees; None means every client."""
    if _sees_all_billing(user):
        return None
    return TeamMembership.objects.filter(user=user, team_role__in=ACCOUNT_SERVICE).values(
        "client_id"
    )


def billing_clients_for(user) -> QuerySet[Client]:
    ids = billing_client_ids(user)
    qs = Client.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def draftable_clients_for(user) -> QuerySet[Client]:
    """Clients on which the user may draft an invoice."""
    return Client.objects.filter(
        memberships__user=user, memberships__team_role__in=ACCOUNT_SERVICE
    ).distinct()


def may_see_billing(user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        _sees_all_billing(user)
        or TeamMembership.objects.filter(user=user, team_role__in=ACCOUNT_SERVICE).exists()
    )


def billing_client_get_for_user(user, pk) -> tuple[Client, BillingAccess]:
    client = object_or_404(Client.objects.all(), pk)
    access = billing_access(user, client)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return client, access


def invoice_get_for_user(user, pk) -> tuple[Invoice, BillingAccess]:
    """The invoice and what the user may do with it; 404 if they may not see it."""
    qs = Invoice.objects.select_related("client", "created_by", "requested_by", "issued_by")
    invoice = object_or_404(qs, pk)
    access = billing_access(user, invoice.client)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return invoice, access


def is_own_invoice(user, invoice: Invoice) -> bool:
    """Did `user` draft or request this invoice? Such a person never issues it
    (segregation of duties): the service refuses, the page offers no issue form."""
    return user.pk in (invoice.created_by_id, invoice.requested_by_id)


def invoice_document_context(invoice: Invoice) -> dict:
    """The PDF's context. An issued invoice's document is rendered once, at
    issue, and shows what was billed then: no payments, the copied client data
    (Invoice.billed_*). A draft or request renders live for review."""
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "letterhead": AgencyProfile.current(),
    }


def red_letter_document_context(red: RedLetterInvoice) -> dict:
    return {"red": red, "invoice": red.invoice, "letterhead": AgencyProfile.current()}


def red_letter_get_for_user(user, pk) -> tuple[RedLetterInvoice, BillingAccess]:
    """A red-letter invoice is seen by whoever sees its blue invoice."""
    qs = RedLetterInvoice.objects.select_related("invoice__client", "issued_by")
    red = object_or_404(qs, pk)
    access = billing_access(user, red.invoice.client)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return red, access


def invoice_list_for_user(user) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("client", "created_by")
    ids = billing_client_ids(user)
    if ids is not None:
        qs = qs.filter(client_id__in=ids)
    return qs


# --- Receivables ageing -------------------------------------------------------

BUCKETS = (
    ("current", _("Not yet due")),
    ("d1_30", _("1–30 days")),
    ("d31_60", _("31–60 days")),
    ("d61_90", _("61–90 days")),
    ("d90_plus", _("Over 90 days")),
)
BUCKET_KEYS = [key for key, _label in BUCKETS]


def bucket_for(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "current"
    if days_overdue <= 30:
        return "d1_30"
    if days_overdue <= 60:
        return "d31_60"
    if days_overdue <= 90:
        return "d61_90"
    return "d90_plus"


@dataclass
class AgeingRow:
    key: object
    label: str
    lead: str = ""
    amounts: dict = field(default_factory=lambda: dict.fromkeys(BUCKET_KEYS, ZERO))

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @property
    def cells(self) -> list[Decimal]:
        return [self.amounts[k] for k in BUCKET_KEYS]


@dataclass
class AgeingReport:
    as_of: dt.date
    currency: str
    by_client: list[AgeingRow]
    by_lead: list[AgeingRow]
    totals: AgeingRow


# What is still owed: issued, and neither paid nor reversed (红冲) in full.
RECEIVABLE = Q(status=Invoice.Status.ISSUED, total__gt=F("amount_paid") + F("amount_credited"))


def open_receivables() -> QuerySet[Invoice]:
    """Every issued, unpaid invoice (void and paid ones owe nothing): unscoped, for
    agency-wide figures such as account health."""
    return Invoice.objects.filter(RECEIVABLE)


def receivables_for_user(user) -> QuerySet[Invoice]:
    """Issued, unpaid invoices the user sees (void, paid and fully reversed
    ones owe nothing); red-letter invoices reduce what is open."""
    return invoice_list_for_user(user).filter(RECEIVABLE)


def bucket_conditions(as_of: dt.date) -> dict:
    """Ageing bucket key -> the due-date condition: the one definition the report,
    its drill-down list and the dashboards share."""
    return {
        "current": Q(due_date__gte=as_of),
        "d1_30": Q(due_date__lt=as_of, due_date__gte=as_of - dt.timedelta(days=30)),
        "d31_60": Q(
            due_date__lt=as_of - dt.timedelta(days=30),
            due_date__gte=as_of - dt.timedelta(days=60),
        ),
        "d61_90": Q(
            due_date__lt=as_of - dt.timedelta(days=60),
            due_date__gte=as_of - dt.timedelta(days=90),
        ),
        "d90_plus": Q(due_date__lt=as_of - dt.timedelta(days=90)),
    }


def invoices_filtered(qs: QuerySet[Invoice], data: dict, today: dt.date | None = None):
    """The invoice list's filters (InvoiceFilterForm.cleaned_data): the one place the
    list and the dashboard cards that open it count the same rows."""
    today = today or timezone.localdate()
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("client"):
        qs = qs.filter(client=data["client"])
    if data.get("currency"):
        qs = qs.filter(currency=data["currency"])
    if data.get("overdue"):
        qs = qs.filter(RECEIVABLE, due_date__lt=today)
    bucket = data.get("bucket")
    if bucket == "open":
        qs = qs.filter(RECEIVABLE)
    elif bucket in BUCKET_KEYS:
        qs = qs.filter(RECEIVABLE, bucket_conditions(today)[bucket], issue_date__lte=today)
    if data.get("fapiao_missing"):
        qs = qs.filter(status=Invoice.Status.ISSUED, fapiao_number="")
    return qs


def ageing_report(
    user, *, as_of: dt.date | None = None, currency: str = "CNY", client=None, lead=None
) -> AgeingReport:
    """Open amounts by days past due, grouped in the database by client.

    Two queries whatever the number of invoices: one aggregate over the
    issued invoices (the (status, due_date) index), one for the clients'
    leads. The by-lead view is summed from the client rows, so the two views
    and their totals always agree.
    """
    as_of = as_of or timezone.localdate()
    open_amount = ExpressionWrapper(
        F("total") - F("amount_paid") - F("amount_credited"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    limits = bucket_conditions(as_of)
    qs = receivables_for_user(user).filter(currency=currency, issue_date__lte=as_of)
    if client is not None:
        qs = qs.filter(client=client)
    if lead is not None:
        qs = qs.filter(
            client_id__in=TeamMembership.objects.filter(user=lead, is_lead=True).values("client_id")
        )
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    aggregates = {
        key: Coalesce(Sum(Case(When(cond, then=open_amount), default=zero)), zero)
        for key, cond in limits.items()
    }
    # Grouped by client only; the leads of those clients come in one more query
    # (grouping by a correlated lead subquery made PostgreSQL evaluate it per row).
    rows = list(
        qs.order_by()
        .values("client_id", "client__name")
        .annotate(**aggregates)
        .order_by("client__name", "client_id")
    )
    lead_of = {
        m.client_id: m.user
        for m in TeamMembership.objects.filter(
            is_lead=True, client_id__in=[r["client_id"] for r in rows]
        ).select_related("user")
    }
    by_client, by_lead_map = [], {}
    totals = AgeingRow(key=None, label=str(_("Total")))
    no_lead = str(_("No account lead"))
    for r in rows:
        lead_user = lead_of.get(r["client_id"])
        lead_name = str(lead_user) if lead_user else no_lead
        row = AgeingRow(key=r["client_id"], label=r["client__name"], lead=lead_name)
        lead_key = lead_user.pk if lead_user else None
        lead_row = by_lead_map.setdefault(lead_key, AgeingRow(key=lead_key, label=lead_name))
        for key in BUCKET_KEYS:
            amount = money(r[key])
            row.amounts[key] = amount
            lead_row.amounts[key] += amount
            totals.amounts[key] += amount
        by_client.append(row)
    by_lead = sorted(by_lead_map.values(), key=lambda r: r.label)
    return AgeingReport(
        as_of=as_of, currency=currency, by_client=by_client, by_lead=by_lead, totals=totals
    )


def ageing_table(report: AgeingReport, group: str) -> tuple[list[str], list[list]]:
    """The rows exactly as the page shows them, for CSV and Excel exports."""
    rows = report.by_lead if group == "lead" else report.by_client
    first = (
        [str(_("Account lead"))] if group == "lead" else [str(_("Client")), str(_("Account lead"))]
    )
    header = [*first, *(str(label) for _key, label in BUCKETS), str(_("Total"))]
    table = []
    for row in rows:
        lead_cols = [row.label] if group == "lead" else [row.label, row.lead]
        table.append([*lead_cols, *row.cells, row.total])
    pad = [""] if group == "lead" else ["", ""]
    pad[0] = str(_("Total"))
    table.append([*pad, *report.totals.cells, report.totals.total])
    return header, table


# --- Dashboard ----------------------------------------------------------------


def overdue_receivables(user, *, limit: int = 10) -> list[Invoice]:
    today = timezone.localdate()
    return list(
        receivables_for_user(user).filter(due_date__lt=today).order_by("due_date", "pk")[:limit]
    )


def invoices_awaiting_issue(*, limit: int = 10) -> list[Invoice]:
    return list(
        Invoice.objects.filter(status=Invoice.Status.REQUESTED)
        .select_related("client")
        .order_by("requested_at", "pk")[:limit]
    )


def my_draft_invoices(user, *, limit: int = 10) -> list[Invoice]:
    return list(
        Invoice.objects.filter(created_by=user, status=Invoice.Status.DRAFT)
        .select_related("client")
        .order_by("created_at")[:limit]
    )


def my_clients_overdue(user, *, limit: int = 10) -> list[Invoice]:
    today = timezone.localdate()
    ids = TeamMembership.objects.filter(user=user, team_role__in=ACCOUNT_SERVICE).values(
        "client_id"
    )
    return list(
        Invoice.objects.filter(
            client_id__in=ids,
            status=Invoice.Status.ISSUED,
            due_date__lt=today,
            total__gt=F("amount_paid") + F("amount_credited"),
        )
        .select_related("client")
        .order_by("due_date", "pk")[:limit]
    )


# --- Time ---------------------------------------------------------------------


def timesheet_clients_for(user) -> QuerySet[Client]:
    """A user logs time only on clients whose team they are on."""
    return Client.objects.filter(memberships__user=user).distinct().order_by("name")


def locked_through() -> dt.date | None:
    lock = TimesheetLock.objects.order_by("-locked_through").first()
    return lock.locked_through if lock else None


def week_entries(user, monday: dt.date) -> list[TimeEntry]:
    return list(
        TimeEntry.objects.filter(
            user=user, date__gte=monday, date__lt=monday + dt.timedelta(days=7)
        ).select_related("client")
    )


def _round_model():
    """meetings.PresentationRound, reached through the time entry's own foreign
    key: billing sits beside meetings and never imports it (import contracts)."""
    return TimeEntry._meta.get_field("presentation_round").related_model


def rounds_for_client(client) -> QuerySet:
    """The presentation rounds a time entry on `client` may name: this client's only."""
    return _round_model().objects.filter(presentation__client=client)


def rounds_for_clients(clients) -> QuerySet:
    """Rounds of any of `clients` (a queryset or list): what a timesheet may post."""
    return _round_model().objects.filter(presentation__client__in=clients)


def round_choices(clients) -> list:
    """Grouped select options, one query: [(client, [(round id, label)])]."""
    names = {c.pk: str(c) for c in clients}
    rows = (
        _round_model()
        .objects.filter(presentation__client_id__in=list(names))
        .order_by("presentation__client_id", "presentation__title", "number", "pk")
        .values_list("pk", "number", "presentation__title", "presentation__client_id")
    )
    groups: dict[str, list] = {}
    for pk, number, title, client_id in rows:
        groups.setdefault(names[client_id], []).append((pk, f"{title} – {number}"))
    return list(groups.items())


# --- Cost and profitability -----------------------------------------------------


class RateTable:
    """Cost rates by role, looked up by date: the rate in force that day."""

    def __init__(self, rates=None):
        rates = CostRate.objects.order_by("role", "effective_from") if rates is None else rates
        self._dates: dict[str, list[dt.date]] = defaultdict(list)
        self._rates: dict[str, list[Decimal]] = defaultdict(list)
        for r in rates:
            self._dates[r.role].append(r.effective_from)
            self._rates[r.role].append(r.rate)

    def rate(self, role: str, day: dt.date) -> Decimal | None:
        i = bisect.bisect_right(self._dates.get(role, []), day)
        return self._rates[role][i - 1] if i else None


# --- Re-presentations: ONE definition --------------------------------------------
#
# Re-presentation hours are the time entries of activity "Re-presentation",
# costed like every other hour (the entry's role, the rate in force on its
# date). The profitability pages and the client page's billing panel both read
# them here, so the two figures cannot disagree.


@dataclass
class CauseCost:
    label: str
    hours: Decimal = ZERO
    cost: Decimal = ZERO


@dataclass
class RepresentationSummary:
    hours: Decimal = ZERO
    cost: Decimal = ZERO
    # [CauseCost], largest cost first; hours that name no round (or a round
    # without a recorded cause) under "Cause not recorded".
    by_cause: list = field(default_factory=list)


def representation_summary(
    client_ids, start: dt.date, end: dt.date, *, rates: "RateTable | None" = None
) -> dict:
    """{client id: RepresentationSummary} for entries dated start..end (inclusive).

    One query for the hours (grouped by client, role, date and the named
    round's cause of failure) plus one for the rates unless given."""
    rates = rates or RateTable()
    cause_labels = dict(_round_model()._meta.get_field("failure_cause").choices)
    unknown = str(_("Cause not recorded"))
    rows = (
        TimeEntry.objects.filter(
            client_id__in=client_ids,
            date__gte=start,
            date__lte=end,
            activity=TimeEntry.Activity.REPRESENTATION,
        )
        .values("client_id", "role", "date", "presentation_round__failure_cause")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    out: dict = {}
    causes: dict = defaultdict(dict)
    for r in rows:
        summary = out.setdefault(r["client_id"], RepresentationSummary())
        rate = rates.rate(r["role"], r["date"])
        # Exact products, rounded once per client below (as profitability).
        cost = r["h"] * rate if rate is not None else ZERO
        summary.hours += r["h"]
        summary.cost += cost
        code = r["presentation_round__failure_cause"] or ""
        label = str(cause_labels.get(code, unknown)) if code else unknown
        cause = causes[r["client_id"]].setdefault(label, CauseCost(label=label))
        cause.hours += r["h"]
        cause.cost += cost
    for client_id, summary in out.items():
        summary.hours = money(summary.hours)
        summary.cost = money(summary.cost)
        summary.by_cause = sorted(
            (
                CauseCost(label=c.label, hours=money(c.hours), cost=money(c.cost))
                for c in causes[client_id].values()
            ),
            key=lambda c: (-c.cost, -c.hours, c.label),
        )
    return out


@dataclass
class Profitability:
    client: Client
    year: int
    revenue: Decimal = ZERO
    hours: Decimal = ZERO
    cost: Decimal = ZERO
    # From representation_summary (the one definition), for the same year.
    representation_hours: Decimal = ZERO
    representation_cost: Decimal = ZERO
    representation_by_cause: list = field(default_factory=list)
    unrated_hours: Decimal = ZERO  # hours logged on a date no rate covers
    plan: object = None  # the approved AccountPlan of that year, or None
    # Invoiced in another currency than the cost rates': shown apart, never
    # added to `revenue` (USD 1,000 is not CNY 1,000). {"USD": Decimal(...)}
    other_revenue: dict = field(default_factory=dict)

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost


def _approved_plans(clients, year) -> dict:
    """client id -> the approved plan (revenue / cost / profit targets) for `year`.

    One client: plans.selectors.approved_plan_for, the plans app's contract.
    Many clients: the same rule (latest approved revision) in one query, so
    the profitability table runs a fixed number of queries.
    """
    from plans.models import AccountPlan
    from plans.selectors import approved_plan_for

    if len(clients) == 1:
        return {clients[0].pk: approved_plan_for(clients[0], year)}
    plans = {}
    for plan in AccountPlan.objects.filter(
        client_id__in=[c.pk for c in clients], year=year, status=AccountPlan.Status.APPROVED
    ).order_by("client_id", "-revision"):
        plans.setdefault(plan.client_id, plan)
    return plans


# Issued invoices are revenue; a fully reversed one stays counted and its
# red-letter invoices take it back (in the year of the red letter).
REVENUE_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.PAID, Invoice.Status.CREDITED)

# Cost rates are in yuan (CostRate.rate), so revenue is too.
COST_CURRENCY = Client.Currency.CNY


def profitability_for(user, *, year: int, clients=None) -> list[Profitability]:
    """Revenue (issued invoices in CNY, net of tax) minus hours x the rate in
    force on each entry's date, per client. A fixed number of queries for any number of
    clients and entries: one for revenue, one for hours grouped by
    (client, role, date, activity), one for the rates."""
    qs = billing_clients_for(user).order_by("name")
    if clients is not None:
        qs = qs.filter(pk__in=[c.pk for c in clients])
    client_list = list(qs)
    ids = [c.pk for c in client_list]
    results = {c.pk: Profitability(client=c, year=year) for c in client_list}
    revenue = (
        Invoice.objects.filter(
            client_id__in=ids,
            status__in=REVENUE_STATUSES,
            issue_date__year=year,
        )
        .values("client_id", "currency")
        .annotate(s=Sum("subtotal"))
        .order_by("currency")
    )
    # Red-letter invoices net the revenue of the year they are issued in.
    reversed_ = (
        RedLetterInvoice.objects.filter(invoice__client_id__in=ids, issue_date__year=year)
        .values("invoice__client_id", "invoice__currency")
        .annotate(s=Sum("subtotal"))
        .order_by()
    )
    net: dict = defaultdict(lambda: ZERO)
    for r in revenue:
        net[(r["client_id"], r["currency"])] += r["s"] or ZERO
    for r in reversed_:
        net[(r["invoice__client_id"], r["invoice__currency"])] -= r["s"] or ZERO
    for (client_id, currency), amount in sorted(net.items(), key=lambda kv: kv[0][1]):
        p = results[client_id]
        if currency == COST_CURRENCY:
            p.revenue = money(amount)
        else:
            p.other_revenue[currency] = money(amount)
    rates = RateTable()
    # Each entry at the role it was written at (TimeEntry.role), not the
    # person's role of today: a promotion does not re-price past hours.
    hours = (
        TimeEntry.objects.filter(client_id__in=ids, date__year=year)
        .values("client_id", "role", "date")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    for r in hours:
        p = results[r["client_id"]]
        rate = rates.rate(r["role"], r["date"])
        # Exact products, rounded once per client below: hours x rate has four
        # decimals and rounding each group would drift by cents.
        cost = r["h"] * rate if rate is not None else ZERO
        p.hours += r["h"]
        p.cost += cost
        if rate is None:
            p.unrated_hours += r["h"]
    representation = representation_summary(
        ids, dt.date(year, 1, 1), dt.date(year, 12, 31), rates=rates
    )
    out = list(results.values())
    plans = _approved_plans(client_list, year) if client_list else {}
    for p in out:
        p.cost = money(p.cost)
        p.hours = money(p.hours)
        p.unrated_hours = money(p.unrated_hours)
        summary = representation.get(p.client.pk, RepresentationSummary())
        p.representation_hours = summary.hours
        p.representation_cost = summary.cost
        p.representation_by_cause = summary.by_cause
        p.plan = plans.get(p.client.pk)
    return out


# --- Statement of account (对账单) -------------------------------------------------


@dataclass
class StatementEntry:
    date: dt.date
    kind: str  # "invoice" | "payment" | "red_letter"
    label: str
    document: str
    url: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    balance: Decimal = ZERO
    note: str = ""


@dataclass
class Statement:
    client: Client
    currency: str
    as_of: dt.date
    entries: list = field(default_factory=list)
    invoices: list = field(default_factory=list)  # the invoices listed, with their state
    total_invoiced: Decimal = ZERO
    total_reversed: Decimal = ZERO
    total_paid: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.total_invoiced - self.total_reversed - self.total_paid

    @property
    def currencies(self) -> list[str]:
        return statement_currencies(self.client)


def statement_currencies(client: Client) -> list[str]:
    found = set(
        Invoice.objects.filter(client=client, status__in=STATEMENT_STATUSES).values_list(
            "currency", flat=True
        )
    )
    return sorted(found | {client.currency})


# What a client was billed: void invoices never were, drafts not yet.
STATEMENT_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.PAID, Invoice.Status.CREDITED)


def client_statement(
    client: Client, *, currency: str | None = None, as_of: dt.date | None = None
) -> Statement:
    """The client's invoices (debit), red-letter invoices and payments (credit)
    in one currency, by date, with the running balance. Three queries.
    The caller has checked the user may see the client's billing."""
    currency = currency or client.currency
    as_of = as_of or timezone.localdate()
    invoices = list(
        Invoice.objects.filter(
            client=client, currency=currency, status__in=STATEMENT_STATUSES, issue_date__lte=as_of
        ).order_by("issue_date", "number_year", "number_seq")
    )
    ids = [i.pk for i in invoices]
    by_pk = {i.pk: i for i in invoices}
    statement = Statement(client=client, currency=currency, as_of=as_of, invoices=invoices)
    rows = []
    for inv in invoices:
        rows.append(
            (
                inv.issue_date,
                0,
                inv.pk,
                StatementEntry(
                    date=inv.issue_date,
                    kind="invoice",
                    label=str(_("Invoice")),
                    document=inv.number,
                    url=inv.get_absolute_url(),
                    debit=inv.total,
                    note=inv.fapiao_number,
                ),
            )
        )
    for red in RedLetterInvoice.objects.filter(invoice_id__in=ids, issue_date__lte=as_of):
        blue = by_pk[red.invoice_id]
        rows.append(
            (
                red.issue_date,
                1,
                red.pk,
                StatementEntry(
                    date=red.issue_date,
                    kind="red_letter",
                    label=str(_("Red-letter invoice")),
                    document=red.number,
                    url=red.get_absolute_url(),
                    credit=red.total,
                    note=f"{blue.number} · {red.get_reason_display()}",
                ),
            )
        )
    for pay in Payment.objects.filter(invoice_id__in=ids, date__lte=as_of):
        blue = by_pk[pay.invoice_id]
        rows.append(
            (
                pay.date,
                2,
                pay.pk,
                StatementEntry(
                    date=pay.date,
                    kind="payment",
                    label=str(_("Payment")),
                    document=blue.number,
                    url=blue.get_absolute_url(),
                    credit=pay.amount,
                    note=" · ".join(x for x in (pay.get_method_display(), pay.reference) if x),
                ),
            )
        )
    balance = ZERO
    for _date, _order, _pk, entry in sorted(rows, key=lambda r: r[:3]):
        balance += entry.debit - entry.credit
        entry.balance = balance
        statement.entries.append(entry)
        if entry.kind == "invoice":
            statement.total_invoiced += entry.debit
        elif entry.kind == "red_letter":
            statement.total_reversed += entry.credit
        else:
            statement.total_paid += entry.credit
    return statement
