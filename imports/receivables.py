"""Opening balances for receivables: issued invoices from the old system.

Each row is an invoice already issued elsewhere, with its own number and the
amount still open. It becomes an issued Invoice with that number, the total
and what was already paid (total - open), so the ageing report counts it from
its due date. It does not draw a number from the gapless counter
(number_year / number_seq stay empty): the counter numbers this system's
invoices only. Finance only (PERMISSIONS.md). Undone like any batch.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from agency.errors import DomainError
from agency.roles import Role
from billing.models import Invoice, InvoiceLine, money

ERR_CLIENT_UNKNOWN = _("No client %(client)s: import the client first.")
ERR_NUMBER_REQUIRED = _("The invoice number is empty.")
ERR_NUMBER_TAKEN = _("Invoice number %(number)s already exists.")
ERR_BAD_DATE = _("%(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
ERR_BAD_AMOUNT = _("%(column)s: “%(value)s” is not an amount.")
ERR_OPEN_ABOVE_TOTAL = _("The open amount is more than the invoice total.")
ERR_NOTHING_OPEN = _("Nothing is open on this invoice: only open receivables are imported.")
ERR_DUE_BEFORE_ISSUE = _("The due date is before the issue date.")

OPENING_LINE = _("Opening balance from the previous system")

# field -> headers (Chinese first: the template's)
HEADERS = {
    "client_name": ("客户名称", "客户", "client name", "client"),
    "tax_id": ("统一社会信用代码", "纳税人识别号", "税号", "unified social credit code", "tax id"),
    "number": ("发票编号", "发票号", "发票号码", "invoice number", "number"),
    "fapiao_number": ("发票号码（税务）", "税务发票号码", "fapiao number", "fapiao"),
    "issue_date": ("开票日期", "issue date", "issued"),
    "due_date": ("到期日", "到期日期", "due date", "due"),
    "total": ("发票金额", "金额", "价税合计", "total", "amount"),
    "open_amount": ("未收金额", "应收余额", "open amount", "open", "balance"),
    "currency": ("币种", "currency"),
}


def may_import_receivables(user) -> bool:
    return bool(user.is_active and user.role == Role.FINANCE)


def _date(value: str, column: str) -> dt.date:
    text = value.strip().split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(ERR_BAD_DATE, column=column, value=value) from None


def _amount(value: str, column: str) -> Decimal:
    try:
        amount = money(Decimal(value.replace(",", "").replace("¥", "").strip()))
    except (InvalidOperation, ValueError):
        raise DomainError(ERR_BAD_AMOUNT, column=column, value=value) from None
    if amount < 0:
        raise DomainError(ERR_BAD_AMOUNT, column=column, value=value)
    return amount


def import_receivable_row(*, actor, row: dict, result, rec) -> None:
    """One opening receivable (inside the row's savepoint; raises to refuse)."""
    tax_id, name = row.get("tax_id", ""), row.get("client_name", "")
    client = (Client.objects.filter(tax_id__iexact=tax_id).first() if tax_id else None) or (
        Client.objects.filter(name__iexact=name).first() if name else None
    )
    if client is None:
        raise DomainError(ERR_CLIENT_UNKNOWN, client=name or tax_id)
    number = row.get("number", "").strip()
    if not number:
        raise DomainError(ERR_NUMBER_REQUIRED)
    if Invoice.objects.filter(number=number).exists():
        raise DomainError(ERR_NUMBER_TAKEN, number=number)
    issue_date = _date(row.get("issue_date", ""), str(_("issue date")))
    due = row.get("due_date", "")
    due_date = (
        _date(due, str(_("due date")))
        if due
        else issue_date + dt.timedelta(days=client.payment_terms_days)
    )
    if due_date < issue_date:
        raise DomainError(ERR_DUE_BEFORE_ISSUE)
    open_amount = _amount(row.get("open_amount", ""), str(_("open amount")))
    total = _amount(row["total"], str(_("total"))) if row.get("total") else open_amount
    if open_amount > total:
        raise DomainError(ERR_OPEN_ABOVE_TOTAL)
    if open_amount == 0:
        raise DomainError(ERR_NOTHING_OPEN)
    now = timezone.now()
    invoice = Invoice(
        client=client,
        status=Invoice.Status.ISSUED,
        currency=(row.get("currency") or client.currency).upper()[:3],
        created_by=actor,
        subtotal=total,
        tax_amount=Decimal("0.00"),
        total=total,
        amount_paid=total - open_amount,
        number=number[:20],
        fapiao_number=row.get("fapiao_number", "")[:40],
        issue_date=issue_date,
        due_date=due_date,
        issued_by=actor,
        issued_at=now,
        client_name=client.name,
        invoice_title=client.invoice_title,
        tax_id=client.tax_id,
        note_to_finance=str(OPENING_LINE),
    )
    before = {}
    invoice.full_clean(exclude=["document"])
    invoice.save()
    rec.written(invoice, before, True)
    line = InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description=str(OPENING_LINE),
        quantity=Decimal("1"),
        unit_price=total,
        tax_rate=Decimal("0"),
    )
    rec.written(line, {}, True)
    result.action = "created"
