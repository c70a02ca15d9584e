"""Search source for invoices, by INV number or fapiao number (registered in apps.py).

Scoped by `invoice_list_for_user`: finance and department heads see all,
account service only their teams' clients.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from agency.search import Hit, group, matches

from .selectors import invoice_list_for_user

INVOICE_FIELDS = ("number", "fapiao_number")


def search_sources(user, q):
    invoices = (
        invoice_list_for_user(user)
        .filter(matches(q, *INVOICE_FIELDS))
        .order_by(F("issue_date").desc(nulls_last=True), "-pk")
    )
    return [
        group(
            "invoices",
            _("Invoices"),
            invoices,
            lambda i: Hit(
                str(i),
                i.get_absolute_url(),
                context=_context(i),
            ),
            order=80,
        ),
    ]


def _context(invoice) -> str:
    parts = [invoice.client.name, invoice.get_status_display()]
    if invoice.fapiao_number:
        parts.insert(0, _("fapiao %(number)s") % {"number": invoice.fapiao_number})
    return " · ".join(str(p) for p in parts)
