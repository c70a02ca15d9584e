"""Billing on the home page ("Waiting for me") and on the client page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from agency.client_panels import Panel
from agency.dashboard import Item, Section
from agency.roles import ACCOUNT_SERVICE, Role

from .models import Invoice
from .selectors import (
    RepresentationSummary,
    billing_access,
    invoices_awaiting_issue,
    my_clients_overdue,
    my_draft_invoices,
    overdue_receivables,
    representation_summary,
)


def _label(invoice: Invoice) -> str:
    return f"{invoice} · {invoice.client} · {invoice.currency} {invoice.total:,.2f}"


def _overdue_items(invoices, today) -> list[Item]:
    return [
        Item(
            label=_label(i),
            url=i.get_absolute_url(),
            detail=_("Due %(date)s, %(days)s days overdue, open %(open)s")
            % {
                "date": i.due_date,
                "days": (today - i.due_date).days,
                "open": f"{i.open_amount:,.2f}",
            },
            overdue=True,
        )
        for i in invoices
    ]


def billing_dashboard(user) -> list[Section]:
    """Finance: requests awaiting issue (oldest first) and overdue receivables.
    Account people: their drafts and their clients' overdue invoices.
    A fixed number of queries (two) whatever the number of invoices."""
    today = timezone.localdate()
    if user.role == Role.FINANCE:
        awaiting = invoices_awaiting_issue()
        return [
            Section(
                title=_("Invoices to issue"),
                items=[
                    Item(
                        label=_label(i),
                        url=i.get_absolute_url(),
                        detail=_("Requested %(date)s")
                        % {"date": timezone.localtime(i.requested_at).strftime("%Y-%m-%d %H:%M")},
                        overdue=(today - timezone.localdate(i.requested_at)).days >= 2,
                    )
                    for i in awaiting
                ],
                order=20,
            ),
            Section(
                title=_("Overdue receivables"),
                items=_overdue_items(overdue_receivables(user), today),
                order=30,
            ),
        ]
    if user.role in ACCOUNT_SERVICE:
        return [
            Section(
                title=_("My invoice drafts"),
                items=[
                    Item(label=_label(i), url=i.get_absolute_url(), detail=_("Draft"))
                    for i in my_draft_invoices(user)
                ],
                order=60,
            ),
            Section(
                title=_("My clients' overdue invoices"),
                items=_overdue_items(my_clients_overdue(user), today),
                order=40,
            ),
        ]
    return []


def billing_panel(request, client, access) -> list[Panel]:
    billing = billing_access(request.user, client, membership=access.membership)
    if not billing.can_view:
        return []
    invoices = list(
        client.invoices.exclude(status=Invoice.Status.VOID).order_by("-created_at", "-pk")[:5]
    )
    # Year to date, by the one definition profitability uses too.
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    representation = representation_summary([client.pk], start, today).get(
        client.pk, RepresentationSummary()
    )
    return [
        Panel(
            title=_("Invoices"),
            template="billing/_client_panel.html",
            context={
                "invoices": invoices,
                "client": client,
                "may_draft": billing.can_draft,
                "today": today,
                "representation": representation,
                "year": today.year,
            },
            order=80,
        )
    ]
