"""Every write in billing: invoices and their transitions, payments, time.

Each service re-checks the actor through `billing_access` (the views do too),
guards the state under a row lock and raises DomainError with one of the
messages below, saves with update_fields, records the timeline in the same
transaction and queues notifications on commit.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, User
from accounts.selectors import client_lead, users_with_role
from accounts.validators import is_valid_uscc
from agency.dates import check_in_range
from agency.errors import DomainError
from agency.events import publish
from agency.files import files_kept_only_on_commit
from agency.notifications import notify
from agency.pdf import render_pdf
from agency.permissions import deny_unless
from agency.roles import Role
from agency.timeline import timeline_record

from .fapiao import is_digital_fapiao_number
from .models import (
    ZERO,
    AgencyProfile,
    Invoice,
    InvoiceLine,
    InvoiceNumberCounter,
    Payment,
    RedLetterInvoice,
    RedLetterNumberCounter,
    TaxRate,
    TimeEntry,
    money,
)
from .selectors import (
    billing_access,
    invoice_document_context,
    is_own_invoice,
    locked_through,
    red_letter_document_context,
    rounds_for_client,
    timesheet_clients_for,
)

INVOICE_FIELDS = ("currency", "kind", "note_to_finance")
LINE_FIELDS = ("description", "quantity", "unit_price", "tax_rate")

ERR_NOT_DRAFT = _("Only a draft invoice can be changed.")
ERR_NO_LINES = _("Add at least one line with an amount before requesting the invoice.")
ERR_NOT_REQUESTED = _("Only a requested invoice can be issued.")
ERR_FAPIAO_REQUIRED = _("Enter the official invoice (fapiao) number.")
ERR_NOT_ISSUED_PAYMENT = _("Payments can only be recorded on an issued, unpaid invoice.")
ERR_PAYMENT_POSITIVE = _("A payment must be more than zero.")
ERR_OVERPAYMENT = _("This payment is more than the open amount of %(open)s.")
ERR_NOT_ISSUED_VOID = _("Only an issued invoice can be voided.")
ERR_VOID_HAS_PAYMENTS = _("This invoice has payments recorded; it cannot be voided.")
ERR_REASON_REQUIRED = _("Give a reason.")
ERR_NOT_RETURNABLE = _("Only a requested invoice can be returned to draft.")
ERR_WEEK_LOCKED = _("Time up to %(date)s is locked; it can no longer be changed.")
ERR_NOT_ON_TEAM = _("You can only log time on clients whose team you are on.")
ERR_DAY_OVER_24 = _("More than 24 hours on %(date)s.")
ERR_BAD_HOURS = _("Hours must be more than 0 and at most 24.")
ERR_BAD_ACTIVITY = _("Choose an activity from the list.")
ERR_ROUND_OTHER_CLIENT = _("The presentation round belongs to another client.")
ERR_ROUND_NOT_REPRESENTATION = _("Only re-presentation hours can name a presentation round.")
ERR_FAPIAO_TAKEN = _("Fapiao number %(fapiao)s is already on invoice %(number)s.")
ERR_ISSUE_DATE_FUTURE = _("The issue date cannot be in the future.")
# Segregation of duties: the person who asks for an invoice is not the one who
# issues it (the account side and finance check each other).
ERR_ISSUER_IS_REQUESTER = _("Whoever drafted or requested an invoice cannot also issue it.")
# 数电票 and 红冲
ERR_DIGITAL_FAPIAO_NUMBER = _("The fapiao number of a digital fapiao (数电票) is 20 digits.")
ERR_TAX_RATE = _("%(rate)s %% is not a tax rate in use; choose one from the list.")
ERR_BAD_KIND = _("Choose a fapiao kind from the list.")
ERR_BUYER_TAX_ID = _(
    "The client's tax id is not a valid unified social credit code (统一社会信用代码); "
    "correct it on the client before issuing a digital fapiao."
)
ERR_BUYER_TAX_ID_REQUIRED = _(
    "A special VAT fapiao (专票) needs the client's unified social credit code; "
    "enter it on the client first."
)
ERR_NO_LETTERHEAD = _(
    "Enter the agency's letterhead (name and unified social credit code) in the admin "
    "before issuing a digital fapiao."
)
ERR_VOID_DIGITAL_ISSUED = _(
    "An issued digital fapiao (数电票) cannot be voided; issue a red-letter invoice (红冲) instead."
)
ERR_VOID_HAS_RED_LETTERS = _("This invoice has red-letter invoices; it cannot be voided.")
ERR_RED_NOT_ISSUED = _("Only an issued or paid invoice can be reversed by a red-letter invoice.")
ERR_RED_BAD_REASON = _("Choose the reason for the red-letter invoice from the list.")
ERR_RED_AMOUNT_POSITIVE = _("The amount to reverse must be more than zero.")
ERR_RED_TOO_MUCH = _("At most %(left)s of this invoice is left to reverse.")
ERR_RED_ERROR_IS_FULL = _(
    "An invoicing error (开票有误) is corrected by reversing the whole invoice."
)
ERR_RED_BEFORE_BLUE = _("A red-letter invoice cannot be dated before the invoice it reverses.")


def invoice_number(year: int, seq: int) -> str:
    """INV-YYYY-NNNN: the year always has four digits (issue dates are ranged)."""
    return f"INV-{year:04d}-{seq:04d}"


def _lines_totals(lines) -> tuple[Decimal, Decimal, Decimal]:
    subtotal = sum((line.net for line in lines), ZERO)
    tax = sum((line.tax for line in lines), ZERO)
    return subtotal, tax, subtotal + tax


def _lock(invoice: Invoice) -> Invoice:
    """Re-read the invoice under a row lock: the state guard below must see
    what is committed now, not what the view loaded a moment ago."""
    return (
        Invoice.objects.select_for_update(of=("self",)).select_related("client").get(pk=invoice.pk)
    )


def _check_invoice_data(data: dict, lines: list[dict]) -> None:
    """Tax rates are configuration (the TaxRate table): a line carries one in use."""
    if "kind" in data and data["kind"] not in Invoice.Kind.values:
        raise DomainError(ERR_BAD_KIND)
    configured = dict(TaxRate.objects.values_list("rate", "is_active"))
    if not configured:  # nothing configured yet: any rate (0-100, the table's rule)
        return
    in_use = {rate for rate, active in configured.items() if active}
    for line in lines:
        rate = Decimal(line["tax_rate"])
        if rate not in in_use:
            raise DomainError(ERR_TAX_RATE, rate=f"{rate.normalize():f}")


def _replace_lines(invoice: Invoice, lines: list[dict]) -> None:
    invoice.lines.all().delete()
    objs = [
        InvoiceLine(invoice=invoice, position=i, **{k: line[k] for k in LINE_FIELDS})
        for i, line in enumerate(lines)
    ]
    InvoiceLine.objects.bulk_create(objs)
    invoice.subtotal, invoice.tax_amount, invoice.total = _lines_totals(objs)


@transaction.atomic
def invoice_create(*, actor: User, client: Client, data: dict, lines: list[dict]) -> Invoice:
    """Account service on the client's team drafts an invoice."""
    deny_unless(billing_access(actor, client).can_draft)
    _check_invoice_data(data, lines)
    invoice = Invoice(
        client=client,
        created_by=actor,
        currency=data.get("currency") or client.currency,
        note_to_finance=data.get("note_to_finance", ""),
    )
    if data.get("kind"):
        invoice.kind = data["kind"]
    invoice.save()
    _replace_lines(invoice, lines)
    invoice.save(update_fields=["subtotal", "tax_amount", "total", "updated_at"])
    timeline_record(obj=invoice, action="created", actor=actor)
    return invoice


@transaction.atomic
def invoice_update(*, actor: User, invoice: Invoice, data: dict, lines: list[dict]) -> Invoice:
    deny_unless(billing_access(actor, invoice.client).can_draft)
    invoice = _lock(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise DomainError(ERR_NOT_DRAFT)
    _check_invoice_data(data, lines)
    for name in INVOICE_FIELDS:
        if name in data:
            setattr(invoice, name, data[name])
    _replace_lines(invoice, lines)
    invoice.save(update_fields=[*INVOICE_FIELDS, "subtotal", "tax_amount", "total", "updated_at"])
    timeline_record(obj=invoice, action="edited", actor=actor)
    return invoice


@transaction.atomic
def invoice_request(*, actor: User, invoice: Invoice) -> Invoice:
    """Tell finance to issue it (通知财务开发票)."""
    deny_unless(billing_access(actor, invoice.client).can_draft)
    invoice = _lock(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise DomainError(ERR_NOT_DRAFT)
    if invoice.total <= 0 or not invoice.lines.exists():
        raise DomainError(ERR_NO_LINES)
    invoice.status = Invoice.Status.REQUESTED
    invoice.requested_by = actor
    invoice.requested_at = timezone.now()
    invoice.save(update_fields=["status", "requested_by", "requested_at", "updated_at"])
    timeline_record(obj=invoice, action="requested", actor=actor, comment=invoice.note_to_finance)
    notify(
        recipients=users_with_role(Role.FINANCE),
        template="billing/invoice_requested",
        context={"invoice": invoice, "actor": actor},
        obj=invoice,
    )
    return invoice


@transaction.atomic
def invoice_return(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Finance sends a request back to draft (wrong amount, missing detail)."""
    deny_unless(billing_access(actor, invoice.client).is_finance)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERR_REASON_REQUIRED)
    invoice = _lock(invoice)
    if invoice.status != Invoice.Status.REQUESTED:
        raise DomainError(ERR_NOT_RETURNABLE)
    invoice.status = Invoice.Status.DRAFT
    invoice.save(update_fields=["status", "updated_at"])
    timeline_record(obj=invoice, action="returned", actor=actor, comment=reason)
    notify(
        recipients=[invoice.requested_by or invoice.created_by],
        template="billing/invoice_returned",
        context={"invoice": invoice, "actor": actor, "reason": reason},
        obj=invoice,
    )
    return invoice


def _next_number(year: int, counter_model=InvoiceNumberCounter) -> int:
    """Take the next number of `year` under a lock on the year's counter row.

    The row is created if missing (ON CONFLICT DO NOTHING, so two first issues
    of a year do not collide), then locked with SELECT ... FOR UPDATE: every
    other issue of that year waits here until this transaction commits or
    rolls back. A rolled-back issue rolls back its increment, so no gap.
    """
    counter_model.objects.bulk_create([counter_model(year=year, last=0)], ignore_conflicts=True)
    counter = counter_model.objects.select_for_update().get(year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return counter.last


def invoice_issue(
    *, actor: User, invoice: Invoice, fapiao_number: str, issue_date: dt.date | None = None
) -> Invoice:
    """Finance issues: number, fapiao number, dates, the client's name, title
    and tax id as they are today, and the rendered PDF kept as the document."""
    # The stored PDF must not outlive a rolled-back issue (a taken fapiao
    # number, a lost race): entered first, so it also sees a failed commit.
    with files_kept_only_on_commit() as keep, transaction.atomic():
        return _invoice_issue(
            actor=actor,
            invoice=invoice,
            fapiao_number=fapiao_number,
            issue_date=issue_date,
            keep=keep,
        )


def _fapiao_taken(fapiao_number: str, invoice: Invoice | None) -> DomainError | None:
    """A fapiao number is on one document only, blue or red."""
    blue = Invoice.objects.filter(fapiao_number=fapiao_number)
    if invoice is not None:
        blue = blue.exclude(pk=invoice.pk)
    taken = blue.first() or RedLetterInvoice.objects.filter(fapiao_number=fapiao_number).first()
    if taken is None:
        return None
    return DomainError(ERR_FAPIAO_TAKEN, fapiao=fapiao_number, number=taken)


def _check_fapiao_number(invoice: Invoice, fapiao_number: str) -> None:
    """A 数电票 (blue or red) has a 20-digit number; paper keeps any non-blank one."""
    if invoice.is_digital and not is_digital_fapiao_number(fapiao_number):
        raise DomainError(ERR_DIGITAL_FAPIAO_NUMBER)


def _check_parties(invoice: Invoice, client: Client) -> AgencyProfile | None:
    """A 数电票 names buyer and seller by their unified social credit codes."""
    letterhead = AgencyProfile.current()
    if not invoice.is_digital:
        return letterhead
    if letterhead is None or not letterhead.name or not is_valid_uscc(letterhead.tax_id):
        raise DomainError(ERR_NO_LETTERHEAD)
    tax_id = (client.tax_id or "").strip()
    if not tax_id and invoice.kind == Invoice.Kind.DIGITAL_SPECIAL:
        raise DomainError(ERR_BUYER_TAX_ID_REQUIRED)
    if tax_id and not is_valid_uscc(tax_id):
        raise DomainError(ERR_BUYER_TAX_ID)
    return letterhead


def _invoice_issue(*, actor, invoice, fapiao_number, issue_date, keep) -> Invoice:
    deny_unless(billing_access(actor, invoice.client).is_finance)
    fapiao_number = (fapiao_number or "").strip()
    if not fapiao_number:
        raise DomainError(ERR_FAPIAO_REQUIRED)
    today = timezone.localdate()
    issue_date = issue_date or today
    check_in_range(issue_date)
    if issue_date > today:
        raise DomainError(ERR_ISSUE_DATE_FUTURE)
    invoice = _lock(invoice)
    if invoice.status != Invoice.Status.REQUESTED:
        raise DomainError(ERR_NOT_REQUESTED)
    if is_own_invoice(actor, invoice):
        raise DomainError(ERR_ISSUER_IS_REQUESTER)
    client = invoice.client
    _check_fapiao_number(invoice, fapiao_number)
    letterhead = _check_parties(invoice, client)
    seq = _next_number(issue_date.year)
    # An official fapiao number is printed on one invoice only (a voided one
    # keeps it too): a second use is a typo. This check gives the clear
    # message; the partial unique constraint makes it hold across years and
    # concurrent issues (caught below). Refusing rolls the number back.
    error = _fapiao_taken(fapiao_number, invoice)
    if error is not None:
        raise error
    invoice.status = Invoice.Status.ISSUED
    invoice.number_year = issue_date.year
    invoice.number_seq = seq
    invoice.number = invoice_number(issue_date.year, seq)
    invoice.fapiao_number = fapiao_number
    invoice.issue_date = issue_date
    invoice.due_date = issue_date + dt.timedelta(days=client.payment_terms_days)
    invoice.client_name = client.name
    invoice.invoice_title = client.invoice_title or client.name
    invoice.tax_id = client.tax_id.strip().upper() if invoice.is_digital else client.tax_id
    invoice.seller_name = letterhead.name if letterhead else ""
    invoice.seller_tax_id = letterhead.tax_id if letterhead else ""
    invoice.issued_by = actor
    invoice.issued_at = timezone.now()
    fields = [
        "status",
        "number_year",
        "number_seq",
        "number",
        "fapiao_number",
        "issue_date",
        "due_date",
        "client_name",
        "invoice_title",
        "tax_id",
        "seller_name",
        "seller_tax_id",
        "issued_by",
        "issued_at",
        "updated_at",
    ]
    try:
        # A savepoint: a concurrent issue of another year that committed the
        # same fapiao number first makes this update fail on the constraint.
        with transaction.atomic():
            invoice.save(update_fields=fields)
    except IntegrityError as e:
        # The savepoint rolled back; the committed holder is visible now.
        taken = _fapiao_taken(fapiao_number, invoice)
        if taken is None:  # another constraint: a real error, not a refusal
            raise
        raise taken from e
    # Rendered inside the issue (the counter row stays locked for the ~0.1 s
    # it takes): the document exists exactly when the invoice is issued.
    pdf = render_pdf("pdf/billing/invoice.html", invoice_document_context(invoice))
    invoice.document.save(f"{invoice.number}.pdf", ContentFile(pdf), save=False)
    keep(invoice.document)
    invoice.save(update_fields=["document"])
    timeline_record(
        obj=invoice,
        action="issued",
        actor=actor,
        data={"number": invoice.number, "fapiao_number": fapiao_number},
    )
    publish("invoice.issued", invoice)
    notify(
        recipients=[invoice.requested_by or invoice.created_by, client_lead(client)],
        template="billing/invoice_issued",
        context={"invoice": invoice, "actor": actor},
        obj=invoice,
    )
    return invoice


def invoice_document_bytes(invoice: Invoice) -> bytes:
    """The issued invoice's document, exactly the bytes stored at issue.

    Invoices numbered before documents were kept (and demo rows) get theirs
    rendered once from the copies made at issue, then stored: from then on
    every download is those bytes too."""
    if invoice.document:
        return _read(invoice.document)
    pdf = render_pdf("pdf/billing/invoice.html", invoice_document_context(invoice))
    with files_kept_only_on_commit() as keep, transaction.atomic():
        locked = _lock(invoice)
        if locked.document:  # another download stored it meanwhile: serve that one
            return _read(locked.document)
        locked.document.save(f"{locked.number}.pdf", ContentFile(pdf), save=False)
        keep(locked.document)
        locked.save(update_fields=["document"])
    return pdf


def _read(fieldfile) -> bytes:
    with fieldfile.open("rb") as f:
        return f.read()


@transaction.atomic
def payment_record(
    *,
    actor: User,
    invoice: Invoice,
    date: dt.date,
    amount: Decimal,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
) -> Payment:
    """Finance records money received; the invoice is paid when payments add up."""
    deny_unless(billing_access(actor, invoice.client).is_finance)
    check_in_range(date)
    if not isinstance(amount, Decimal):
        # Money never passes through float: a float here is a programming error.
        raise TypeError("payment amount must be a Decimal")
    amount = money(amount)
    if amount <= 0:
        raise DomainError(ERR_PAYMENT_POSITIVE)
    invoice = _lock(invoice)
    if invoice.status != Invoice.Status.ISSUED:
        raise DomainError(ERR_NOT_ISSUED_PAYMENT)
    if amount > invoice.open_amount:
        open_amount = f"{invoice.currency} {invoice.open_amount:,.2f}"
        raise DomainError(ERR_OVERPAYMENT, open=open_amount)
    payment = Payment.objects.create(
        invoice=invoice,
        date=date,
        amount=amount,
        method=method,
        reference=reference,
        recorded_by=actor,
    )
    invoice.amount_paid += amount
    fields = ["amount_paid", "updated_at"]
    if invoice.open_amount <= 0:
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = timezone.now()
        fields += ["status", "paid_at"]
    invoice.save(update_fields=fields)
    timeline_record(
        obj=invoice,
        action="paid" if invoice.status == Invoice.Status.PAID else "payment",
        actor=actor,
        comment=reference,
        data={"amount": str(amount), "date": date.isoformat()},
    )
    if invoice.status == Invoice.Status.PAID:
        publish("invoice.paid", invoice)
    return payment


@transaction.atomic
def invoice_void(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Finance voids an issued paper invoice; the row and its number remain.

    An issued 数电票 is never voided: it is corrected by a red-letter invoice."""
    deny_unless(billing_access(actor, invoice.client).is_finance)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERR_REASON_REQUIRED)
    invoice = _lock(invoice)
    if invoice.is_digital and invoice.is_numbered:
        raise DomainError(ERR_VOID_DIGITAL_ISSUED)
    if invoice.status != Invoice.Status.ISSUED:
        raise DomainError(ERR_NOT_ISSUED_VOID)
    if invoice.amount_paid > 0:
        raise DomainError(ERR_VOID_HAS_PAYMENTS)
    if invoice.amount_credited > 0:
        raise DomainError(ERR_VOID_HAS_RED_LETTERS)
    invoice.status = Invoice.Status.VOID
    invoice.void_reason = reason
    invoice.voided_by = actor
    invoice.voided_at = timezone.now()
    invoice.save(update_fields=["status", "void_reason", "voided_by", "voided_at", "updated_at"])
    timeline_record(obj=invoice, action="voided", actor=actor, comment=reason)
    notify(
        recipients=[invoice.requested_by or invoice.created_by, client_lead(invoice.client)],
        template="billing/invoice_voided",
        context={"invoice": invoice, "actor": actor, "reason": reason},
        obj=invoice,
    )
    return invoice


# --- Red-letter invoices (红冲) --------------------------------------------------


def red_letter_number(year: int, seq: int) -> str:
    return f"RED-{year}-{seq:04d}"


def red_letter_issue(
    *,
    actor: User,
    invoice: Invoice,
    reason: str,
    fapiao_number: str,
    issue_date: dt.date | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> RedLetterInvoice:
    """Finance reverses an issued or paid invoice, all of it (amount None) or
    `amount` (with tax) of it, by a red-letter invoice with its own number,
    fapiao number and stored PDF. The blue invoice's open amount falls by the
    red total; fully reversed and unpaid, it owes nothing (CREDITED)."""
    with files_kept_only_on_commit() as keep, transaction.atomic():
        return _red_letter_issue(
            actor=actor,
            invoice=invoice,
            reason=reason,
            fapiao_number=fapiao_number,
            issue_date=issue_date,
            amount=amount,
            note=note,
            keep=keep,
        )


def _red_letter_issue(
    *, actor, invoice, reason, fapiao_number, issue_date, amount, note, keep
) -> RedLetterInvoice:
    deny_unless(billing_access(actor, invoice.client).is_finance)
    if reason not in RedLetterInvoice.Reason.values:
        raise DomainError(ERR_RED_BAD_REASON)
    fapiao_number = (fapiao_number or "").strip()
    if not fapiao_number:
        raise DomainError(ERR_FAPIAO_REQUIRED)
    if amount is not None:
        if not isinstance(amount, Decimal):
            raise TypeError("red-letter amount must be a Decimal")
        amount = money(amount)
        if amount <= 0:
            raise DomainError(ERR_RED_AMOUNT_POSITIVE)
    today = timezone.localdate()
    issue_date = issue_date or today
    if issue_date > today:
        raise DomainError(ERR_ISSUE_DATE_FUTURE)
    invoice = _lock(invoice)
    if invoice.status not in (Invoice.Status.ISSUED, Invoice.Status.PAID):
        raise DomainError(ERR_RED_NOT_ISSUED)
    if issue_date < invoice.issue_date:
        raise DomainError(ERR_RED_BEFORE_BLUE)
    _check_fapiao_number(invoice, fapiao_number)
    left = invoice.total - invoice.amount_credited
    if amount is None:
        amount = left
    if amount > left:
        raise DomainError(ERR_RED_TOO_MUCH, left=f"{invoice.currency} {left:,.2f}")
    is_full = amount == left
    if reason == RedLetterInvoice.Reason.ERROR and not (is_full and invoice.amount_credited == 0):
        raise DomainError(ERR_RED_ERROR_IS_FULL)
    error = _fapiao_taken(fapiao_number, None)
    if error is not None:
        raise error
    if is_full:
        # The rest of the invoice, to the cent: the reds add up to the blue.
        done = invoice.red_letters.aggregate(s=Sum("subtotal"), t=Sum("tax_amount"))
        subtotal = invoice.subtotal - (done["s"] or ZERO)
        tax = invoice.tax_amount - (done["t"] or ZERO)
    else:
        # A part with tax, split in the blue invoice's proportion.
        subtotal = money(amount * invoice.subtotal / invoice.total)
        tax = amount - subtotal
    seq = _next_number(issue_date.year, RedLetterNumberCounter)
    try:
        with transaction.atomic():
            red = RedLetterInvoice.objects.create(
                invoice=invoice,
                reason=reason,
                is_full=is_full,
                note=(note or "").strip(),
                subtotal=subtotal,
                tax_amount=tax,
                total=amount,
                number=red_letter_number(issue_date.year, seq),
                number_year=issue_date.year,
                number_seq=seq,
                fapiao_number=fapiao_number,
                issue_date=issue_date,
                issued_by=actor,
            )
    except IntegrityError as e:
        taken = _fapiao_taken(fapiao_number, None)
        if taken is None:
            raise
        raise taken from e
    invoice.amount_credited += amount
    fields = ["amount_credited", "updated_at"]
    if invoice.amount_credited == invoice.total:
        invoice.status = Invoice.Status.CREDITED
        fields.append("status")
    elif invoice.status == Invoice.Status.ISSUED and invoice.open_amount <= 0:
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = timezone.now()
        fields += ["status", "paid_at"]
    invoice.save(update_fields=fields)
    red.invoice = invoice
    pdf = render_pdf("pdf/billing/red_letter.html", red_letter_document_context(red))
    red.document.save(f"{red.number}.pdf", ContentFile(pdf), save=False)
    keep(red.document)
    red.save(update_fields=["document"])
    timeline_record(
        obj=invoice,
        action="red_letter",
        actor=actor,
        comment=red.note,
        data={
            "number": red.number,
            "fapiao_number": fapiao_number,
            "amount": str(amount),
            "reason": reason,
        },
    )
    notify(
        recipients=[invoice.requested_by or invoice.created_by, client_lead(invoice.client)],
        template="billing/red_letter_issued",
        context={"invoice": invoice, "red": red, "actor": actor},
        obj=invoice,
    )
    return red


def red_letter_document_bytes(red: RedLetterInvoice) -> bytes:
    """The red-letter invoice's document as stored when it was issued."""
    if red.document:
        return _read(red.document)
    pdf = render_pdf("pdf/billing/red_letter.html", red_letter_document_context(red))
    with files_kept_only_on_commit() as keep, transaction.atomic():
        locked = RedLetterInvoice.objects.select_for_update().get(pk=red.pk)
        if locked.document:
            return _read(locked.document)
        locked.document.save(f"{locked.number}.pdf", ContentFile(pdf), save=False)
        keep(locked.document)
        locked.save(update_fields=["document"])
    return pdf


# --- Time ---------------------------------------------------------------------


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def timesheet_week_save(*, actor: User, monday: dt.date, rows: list[dict]) -> int:
    """Save the actor's timesheet cells of one week from `rows`.

    Each row: {"client": Client, "activity": str, "hours": [7 Decimals or None],
    "presentation_round": a round of that client or None (re-presentation only)}.
    A cell is (client, activity, round, day); only the cells whose hours
    changed are rewritten, so unchanged hours keep the role they were written
    at. Returns the number of cells now in the week.
    """
    check_in_range(monday)
    _lock_time_of(actor)
    monday = week_monday(monday)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    allowed = set(timesheet_clients_for(actor).values_list("pk", flat=True))
    _check_rounds(rows)
    cells: dict[tuple, Decimal] = {}
    for row in rows:
        _check_activity(row["activity"])
        round_id = getattr(row.get("presentation_round"), "pk", None)
        for day, hours in zip(days, row["hours"], strict=True):
            if hours:
                _check_hours(hours)
                key = (row["client"].pk, row["activity"], round_id, day)
                cells[key] = cells.get(key, ZERO) + hours
    existing = list(
        TimeEntry.objects.select_for_update().filter(
            user=actor, date__gte=days[0], date__lte=days[-1]
        )
    )
    old: dict[tuple, Decimal] = {}
    for e in existing:
        key = _cell_of(e)
        old[key] = old.get(key, ZERO) + e.hours
    touched = {k for k in set(old) | set(cells) if old.get(k) != cells.get(k)}
    # Time is logged only on clients whose team the actor is on; hours logged
    # before they left a team stay in the week as they are (kept, not lost,
    # and they do not block saving the rest of the week).
    if any(c not in allowed for (c, _a, _r, _day) in touched):
        raise DomainError(ERR_NOT_ON_TEAM)
    lock = locked_through()
    if lock is not None and any(day <= lock for (_c, _a, _r, day) in touched):
        raise DomainError(ERR_WEEK_LOCKED, date=lock.isoformat())
    per_day: dict[dt.date, Decimal] = {}
    for (_c, _a, _r, day), hours in cells.items():
        per_day[day] = per_day.get(day, ZERO) + hours
    for day, total in per_day.items():
        if total > 24:
            raise DomainError(ERR_DAY_OVER_24, date=day.isoformat())
    TimeEntry.objects.filter(pk__in=[e.pk for e in existing if _cell_of(e) in touched]).delete()
    TimeEntry.objects.bulk_create(
        TimeEntry(
            user=actor,
            role=actor.role,
            client_id=c,
            activity=a,
            presentation_round_id=r,
            date=day,
            hours=cells[(c, a, r, day)],
        )
        for (c, a, r, day) in touched
        if (c, a, r, day) in cells
    )
    return len(cells)


def _cell_of(entry: TimeEntry) -> tuple:
    return (entry.client_id, entry.activity, entry.presentation_round_id, entry.date)


def _lock_time_of(user: User) -> None:
    """Serialise the time writes of one person (two tabs, the grid and a
    single entry at once): the 24-hours-a-day sum is read after this lock, so
    two saves cannot both pass it on the same stale total."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _check_hours(hours) -> None:
    """The form checks this too; the service must not rely on it (a negative
    or 30-hour cell would otherwise end as a database error, a 500)."""
    if not isinstance(hours, Decimal):
        # Time, like money, never passes through float.
        raise TypeError("hours must be a Decimal")
    if not (ZERO < hours <= 24):
        raise DomainError(ERR_BAD_HOURS)


def _check_activity(activity: str) -> None:
    if activity not in TimeEntry.Activity.values:
        raise DomainError(ERR_BAD_ACTIVITY)


def _check_rounds(rows: list[dict]) -> None:
    """A row may name a presentation round only for re-presentation hours, and
    only one of the row's own client (a hand-made POST with another client's
    round id is refused here, whatever the form did)."""
    named = [row for row in rows if row.get("presentation_round") is not None]
    for row in named:
        if row["activity"] != TimeEntry.Activity.REPRESENTATION:
            raise DomainError(ERR_ROUND_NOT_REPRESENTATION)
    if not named:
        return
    owners = {}
    for row in named:
        client = row["client"]
        if client.pk not in owners:
            owners[client.pk] = set(rounds_for_client(client).values_list("pk", flat=True))
        if row["presentation_round"].pk not in owners[client.pk]:
            raise DomainError(ERR_ROUND_OTHER_CLIENT)


@transaction.atomic
def time_entry_record(
    *,
    actor: User,
    client: Client,
    date: dt.date,
    hours: Decimal,
    activity: str,
    note: str = "",
    presentation_round=None,
) -> TimeEntry:
    """Log one entry of the actor's own time (same rules as the weekly grid),
    at the actor's role of today; a re-presentation may name its round."""
    if not timesheet_clients_for(actor).filter(pk=client.pk).exists():
        raise DomainError(ERR_NOT_ON_TEAM)
    check_in_range(date)
    _check_hours(hours)
    _lock_time_of(actor)
    _check_activity(activity)
    _check_rounds(
        [{"client": client, "activity": activity, "presentation_round": presentation_round}]
    )
    lock = locked_through()
    if lock is not None and date <= lock:
        raise DomainError(ERR_WEEK_LOCKED, date=lock.isoformat())
    booked = TimeEntry.objects.filter(user=actor, date=date).aggregate(s=Sum("hours"))["s"] or ZERO
    if booked + hours > 24:
        raise DomainError(ERR_DAY_OVER_24, date=date.isoformat())
    return TimeEntry.objects.create(
        user=actor,
        role=actor.role,
        client=client,
        date=date,
        hours=hours,
        activity=activity,
        note=note,
        presentation_round=presentation_round,
    )
