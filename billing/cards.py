"""Billing's role-dashboard cards and charts (registered in BillingConfig.ready()).

Each card's number is counted with `invoices_filtered` on the same filters its
link passes to the invoice list, so the card and the list cannot disagree.
"""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agency.cards import Card, Chart
from agency.roles import ACCOUNT_SERVICE, Role
from agency.workdays import is_workday

from .models import Invoice, TimeEntry
from .selectors import (
    BUCKET_KEYS,
    BUCKETS,
    ageing_report,
    invoice_list_for_user,
    invoices_filtered,
    may_see_billing,
    profitability_for,
    receivables_for_user,
)


def _invoice_card(user, key, title, params, order, tone=""):
    """A card counting the invoice list's rows under `params` (its query string)."""
    value = invoices_filtered(invoice_list_for_user(user), dict(params)).count()
    return Card(
        key=key,
        title=title,
        value=value,
        url=reverse("billing:invoice_list") + "?" + urlencode(params),
        tone=tone if value else "",
        order=order,
    )


def billing_cards(user) -> list:
    out = [_days_without_time(user)]
    if user.role == Role.FINANCE:
        out += [
            _invoice_card(
                user,
                "invoices_to_issue",
                _("Invoice requests to issue"),
                {"status": Invoice.Status.REQUESTED},
                20,
                "warning",
            ),
            _invoice_card(
                user,
                "fapiao_missing",
                _("Issued invoices missing a fapiao number"),
                {"fapiao_missing": "on"},
                24,
                "danger",
            ),
        ]
    if user.role in (Role.FINANCE, Role.MD):
        out.append(_invoice_card(user, "unpaid", _("Issued and unpaid"), {"bucket": "open"}, 22))
        out.append(_ageing_chart(user))
    if user.role == Role.MD:
        out += _md_charts(user)
    if user.role in ACCOUNT_SERVICE and may_see_billing(user):
        out.append(
            _invoice_card(
                user,
                "overdue_receivables",
                _("Overdue receivables on my accounts"),
                {"overdue": "on"},
                30,
                "danger",
            )
        )
    return out


def _ageing_chart(user) -> Chart:
    """Issued and unpaid by age: how many invoices sit in each bucket (CNY)."""
    today = timezone.localdate()
    base = receivables_for_user(user)
    counts = [invoices_filtered(base, {"bucket": key}, today).count() for key in BUCKET_KEYS]
    return Chart(
        key="unpaid_by_age",
        title=_("Issued and unpaid by age"),
        kind="bar",
        labels=[label for _key, label in BUCKETS],
        datasets=[{"label": _("Invoices"), "data": counts}],
        links=[
            reverse("billing:invoice_list") + "?" + urlencode({"bucket": key})
            for key in BUCKET_KEYS
        ],
        order=40,
    )


def _md_charts(user) -> list:
    year = timezone.localdate().year
    report = ageing_report(user)
    by_client = sorted(report.by_client, key=lambda r: -r.total)[:10]
    ageing = Chart(
        key="receivables_ageing",
        title=_("Receivables ageing (CNY)"),
        kind="stacked",
        labels=[r.label for r in by_client],
        datasets=[
            {"label": label, "data": [r.amounts[key] for r in by_client]} for key, label in BUCKETS
        ],
        links=[
            reverse("billing:invoice_list")
            + "?"
            + urlencode({"client": r.key, "bucket": "open", "currency": report.currency})
            for r in by_client
        ],
        order=42,
    )
    every = profitability_for(user, year=year)
    rows = sorted(every, key=lambda p: -p.revenue)[:10]
    revenue = Chart(
        key="revenue_vs_plan",
        title=_("Revenue and gross profit year to date against the plan (CNY)"),
        kind="bar",
        labels=[p.client.name for p in rows],
        datasets=[
            {"label": _("Revenue"), "data": [p.revenue for p in rows]},
            {"label": _("Gross profit"), "data": [p.profit for p in rows]},
            {
                "label": _("Planned revenue"),
                "data": [getattr(p.plan, "revenue_target", 0) or 0 for p in rows],
            },
        ],
        links=[reverse("billing:profitability_client", args=[p.client.pk]) for p in rows],
        order=30,
    )
    causes: dict = {}
    for p in every:
        for c in p.representation_by_cause:
            hours, cost = causes.get(c.label, (0, 0))
            causes[c.label] = (hours + c.hours, cost + c.cost)
    representation = Chart(
        key="representation_by_cause",
        title=_("Re-presentation hours and cost year to date by cause"),
        kind="bar",
        labels=list(causes),
        datasets=[
            {"label": _("Hours"), "data": [v[0] for v in causes.values()]},
            {"label": _("Cost"), "data": [v[1] for v in causes.values()]},
        ],
        order=44,
    )
    return [revenue, ageing, representation]


def _days_without_time(user) -> Card:
    """Working days of this week up to today with no time entry of the user's."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(today.weekday() + 1)]
    logged = set(
        TimeEntry.objects.filter(user=user, date__gte=monday, date__lte=today)
        .values_list("date", flat=True)
        .distinct()
    )
    missing = [d for d in days if is_workday(d) and d not in logged]
    return Card(
        key="days_without_time",
        title=_("Days this week without time entries"),
        value=len(missing),
        url=reverse("billing:timesheet"),
        tone="warning" if missing else "success",
        order=90,
    )
