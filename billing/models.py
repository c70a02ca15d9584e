"""Invoices, payments, invoice numbering, time entries and cost rates.

Money is Decimal end to end (DecimalField here, forms.DecimalField in forms);
totals are stored on the invoice so the ageing report and the reminder sweeps
read one row per invoice instead of summing lines.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from accounts.validators import validate_uscc
from agency.roles import Role

from .fapiao import amount_in_capitals

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """Round to the cent, half up (the way finance rounds on a fapiao)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Invoice(models.Model):
    class Status(models.TextChoices):
        # The account person is still writing it; nobody else acts on it.
        DRAFT = "draft", _("Draft")
        # The account person asked finance to issue it (通知财务开发票).
        REQUESTED = "requested", _("Requested")
        # Finance issued it: it has our number and the fapiao number; money is due.
        ISSUED = "issued", _("Issued")
        # Payments add up to the total. Final.
        PAID = "paid", _("Paid")
        # Cancelled by finance with a reason; the row and its number remain. Final.
        # Only a paper fapiao is voided once issued; a 数电票 is corrected by 红冲.
        VOID = "void", _("Void")
        # Fully reversed by red-letter invoices (红冲): nothing is owed. Final.
        CREDITED = "credited", _("Reversed (red-letter)")

    class Kind(models.TextChoices):
        DIGITAL_SPECIAL = "digital_special", _("Digital fapiao, special VAT (数电票 专票)")
        DIGITAL_ORDINARY = "digital_ordinary", _("Digital fapiao, ordinary (数电票 普票)")
        PAPER = "paper", _("Paper fapiao (legacy)")

    DIGITAL = (Kind.DIGITAL_SPECIAL, Kind.DIGITAL_ORDINARY)
    NUMBERED = (Status.ISSUED, Status.PAID, Status.VOID, Status.CREDITED)

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="invoices"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Client.Currency.choices, default=Client.Currency.CNY
    )
    # Rows made before 数电票 were recorded are paper; the draft form offers a
    # 数电票 first.
    kind = models.CharField(
        _("fapiao kind"), max_length=20, choices=Kind.choices, default=Kind.PAPER
    )
    note_to_finance = models.TextField(_("note to finance"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="invoices_drafted",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Totals, recomputed from the lines by the service whenever lines change.
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=ZERO)
    tax_amount = models.DecimalField(_("tax"), max_digits=14, decimal_places=2, default=ZERO)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    # Sum of payments, kept in step by payment_record under a row lock.
    amount_paid = models.DecimalField(
        _("amount paid"), max_digits=14, decimal_places=2, default=ZERO
    )
    # Sum of the red-letter invoices' totals, kept in step by red_letter_issue.
    amount_credited = models.DecimalField(
        _("reversed by red-letter invoices"), max_digits=14, decimal_places=2, default=ZERO
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    # Assigned only at issue, from InvoiceNumberCounter: gapless per year.
    number = models.CharField(_("invoice number"), max_length=20, null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    fapiao_number = models.CharField(_("fapiao number"), max_length=40, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    # Copied from the client at issue: later edits of the client do not
    # change an invoice already in the client's hands.
    client_name = models.CharField(_("client name as issued"), max_length=200, blank=True)
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=50, blank=True)
    # The seller (the agency's letterhead) as it was at issue.
    seller_name = models.CharField(_("seller as issued"), max_length=200, blank=True)
    seller_tax_id = models.CharField(_("seller's tax id as issued"), max_length=18, blank=True)
    # The document as issued: rendered once by invoice_issue and served as
    # these bytes ever after (a renamed client, a changed template or font
    # does not change an invoice already in the client's hands).
    document = models.FileField(
        _("issued document (PDF)"), upload_to="invoices/%Y/", blank=True, editable=False
    )

    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="invoice_number_unique"),
            models.UniqueConstraint(
                fields=["number_year", "number_seq"], name="invoice_number_year_seq_unique"
            ),
            # One fapiao number, one invoice, whatever the year: the service's
            # check runs under the per-year counter lock only, so two issues of
            # different years at the same moment would both pass it.
            models.UniqueConstraint(
                fields=["fapiao_number"],
                condition=~Q(fapiao_number=""),
                name="invoice_fapiao_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "requested"])
                | (
                    Q(number__isnull=False)
                    & Q(issue_date__isnull=False)
                    & Q(due_date__isnull=False)
                ),
                name="invoice_numbered_once_issued",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0) & Q(amount_paid__lte=F("total")),
                name="invoice_no_overpayment",
            ),
            models.CheckConstraint(
                condition=Q(amount_credited__gte=0) & Q(amount_credited__lte=F("total")),
                name="invoice_credit_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="void") | ~Q(void_reason=""),
                name="invoice_void_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=F("issue_date")),
                name="invoice_due_after_issue",
            ),
        ]
        indexes = [
            # Reminder sweeps: "issued and due soon / overdue" and "requested,
            # not issued for a day" among 100,000 invoices read only these.
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
            models.Index(fields=["status", "requested_at"], name="invoice_status_requested"),
            models.Index(fields=["client", "status"], name="invoice_client_status"),
            models.Index(fields=["created_by", "status"], name="invoice_author_status"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        if self.number:
            return self.number
        if self.status == self.Status.REQUESTED:
            return _("Invoice request #%(pk)s") % {"pk": self.pk}
        return _("Invoice draft #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("billing:invoice_detail", args=[self.pk])

    @property
    def is_numbered(self) -> bool:
        return self.status in self.NUMBERED

    # What the document shows: the copies made at issue once issued, the
    # client's live data while still a draft or a request.
    @property
    def billed_name(self) -> str:
        return self.client_name if self.is_numbered and self.client_name else self.client.name

    @property
    def billed_title(self) -> str:
        if self.is_numbered and self.invoice_title:
            return self.invoice_title
        return self.client.invoice_title or self.client.name

    @property
    def billed_tax_id(self) -> str:
        return self.tax_id if self.is_numbered else self.client.tax_id

    @property
    def is_digital(self) -> bool:
        return self.kind in self.DIGITAL

    @property
    def net_total(self) -> Decimal:
        """What the client owes in all: the total less the red-letter invoices."""
        return self.total - self.amount_credited

    @property
    def open_amount(self) -> Decimal:
        """Still to be paid; negative when a red letter on a paid invoice
        means money goes back to the client."""
        return self.total - self.amount_credited - self.amount_paid

    @property
    def is_partly_paid(self) -> bool:
        return self.status == self.Status.ISSUED and self.amount_paid > 0

    @property
    def total_in_capitals(self) -> str:
        return amount_in_capitals(self.total)

    def days_overdue(self, today: dt.date | None = None) -> int:
        """Days past the due date of an unpaid issued invoice (0 when not overdue)."""
        if self.status != self.Status.ISSUED or self.due_date is None:
            return 0
        today = today or timezone.localdate()
        return max((today - self.due_date).days, 0)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue() > 0


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal("6.00")
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoiceline_quantity_pos"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="invoiceline_price_nonneg"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="invoiceline_tax_rate"
            ),
        ]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self):
        return self.description

    @property
    def net(self) -> Decimal:
        return money(self.quantity * self.unit_price)

    @property
    def tax(self) -> Decimal:
        return money(self.net * self.tax_rate / Decimal(100))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        ACCEPTANCE = "acceptance", _("Bank acceptance bill")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    method = models.CharField(
        _("method"), max_length=12, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.date} {self.amount}"


class InvoiceNumberCounter(models.Model):
    """The last number used in a year. Issuing locks this row (SELECT ... FOR
    UPDATE) inside the issue transaction, so concurrent issues queue up and
    numbers stay gapless: a rolled-back issue also rolls back its increment."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class RedLetterNumberCounter(models.Model):
    """The last red-letter number used in a year: red-letter invoices are
    documents with their own gapless series (RED-2026-0001), so the INV
    series stays the gapless list of blue invoices."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("red-letter number counter")
        verbose_name_plural = _("red-letter number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class RedLetterInvoice(models.Model):
    """A red-letter invoice (红字发票) reversing all or part of an issued one.

    Issued by finance, final once made: it has its own number, its own fapiao
    number and its stored PDF. Amounts are positive here and shown negative."""

    class Reason(models.TextChoices):
        ERROR = "error", _("Invoicing error (开票有误)")
        RETURN = "return", _("Goods returned (销货退回)")
        TERMINATION = "termination", _("Service terminated (服务终止)")
        DISCOUNT = "discount", _("Sales discount (销售折让)")

    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("blue invoice"),
        on_delete=models.PROTECT,
        related_name="red_letters",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    is_full = models.BooleanField(_("full reversal"), default=False)
    note = models.TextField(_("note"), blank=True)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)
    tax_amount = models.DecimalField(_("tax"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    number = models.CharField(_("red-letter number"), max_length=20, unique=True)
    number_year = models.PositiveSmallIntegerField()
    number_seq = models.PositiveIntegerField()
    fapiao_number = models.CharField(_("fapiao number"), max_length=40, unique=True)
    issue_date = models.DateField(_("issue date"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    document = models.FileField(
        _("issued document (PDF)"), upload_to="invoices/%Y/", blank=True, editable=False
    )

    class Meta:
        ordering = ["issue_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_year", "number_seq"], name="redletter_number_year_seq_unique"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="redletter_total_positive"),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("tax_amount")), name="redletter_total_sum"
            ),
        ]
        verbose_name = _("red-letter invoice")
        verbose_name_plural = _("red-letter invoices")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("billing:red_letter_detail", args=[self.pk])

    @property
    def client(self):
        return self.invoice.client

    @property
    def currency(self) -> str:
        return self.invoice.currency

    @property
    def total_in_capitals(self) -> str:
        return amount_in_capitals(-self.total)


class TaxRate(models.Model):
    """The VAT rates an invoice line may carry: configuration, not code
    (finance and the admin keep it in the admin)."""

    rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    is_default = models.BooleanField(_("default for new lines"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["-rate"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="taxrate_range"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="taxrate_one_default"
            ),
        ]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")

    def __str__(self):
        label = f"{self.rate.normalize():f}%"
        return f"{label} {self.description}".strip()


class AgencyProfile(models.Model):
    """The agency's letterhead (the seller on every fapiao): one row, edited in the admin."""

    name = models.CharField(_("agency name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    tax_id = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_uscc]
    )
    bank = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("agency letterhead")
        verbose_name_plural = _("agency letterhead")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "AgencyProfile | None":
        return cls.objects.filter(pk=1).first()


class TimeEntry(models.Model):
    class Activity(models.TextChoices):
        PLAN = "plan", _("Account plan")
        STRATEGY = "strategy", _("Strategy / brief")
        MEETING = "meeting", _("Meeting")
        PRESENTATION = "presentation", _("Presentation")
        # Presenting again after the client said no: the cost the
        # profitability page shows on its own line.
        REPRESENTATION = "representation", _("Re-presentation")
        PRODUCTION = "production", _("Production")
        ADMIN = "admin", _("Administration")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="time_entries"
    )
    # The person's agency role when the hours were written: the hours are
    # costed at this role's rate, so a promotion does not re-price past work.
    role = models.CharField(_("agency role"), max_length=20, choices=Role.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A re-presentation's hours may name the round that failed (the one
    # presented again), so the cost is told by that round's cause of failure.
    # SET_NULL: the hours stay a cost of the client even if the round goes.
    presentation_round = models.ForeignKey(
        "meetings.PresentationRound",
        verbose_name=_("presentation round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="timeentry_hours_range"
            ),
            # Every writer stamps the role (an unstamped entry would silently cost 0).
            models.CheckConstraint(condition=~Q(role=""), name="timeentry_role_set"),
            models.CheckConstraint(
                condition=Q(presentation_round__isnull=True) | Q(activity="representation"),
                name="timeentry_round_only_on_representation",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "date"], name="timeentry_client_date"),
            models.Index(fields=["user", "date"], name="timeentry_user_date"),
        ]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")

    def __str__(self):
        return f"{self.user} {self.date} {self.hours}h"


class CostRate(models.Model):
    """The internal cost of one hour of a role, in force from a date on."""

    role = models.CharField(_("agency role"), max_length=20, choices=Role.choices)
    rate = models.DecimalField(_("hourly cost (CNY)"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["role", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["role", "effective_from"], name="costrate_one_per_day"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="costrate_nonneg"),
        ]
        verbose_name = _("cost rate")
        verbose_name_plural = _("cost rates")

    def __str__(self):
        return f"{self.get_role_display()} {self.rate} ({self.effective_from})"


class TimesheetLock(models.Model):
    """Finance closes time up to a date (month end); entries on or before it
    can no longer be created or changed."""

    locked_through = models.DateField(_("time locked through"), unique=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-locked_through"]
        verbose_name = _("timesheet lock")
        verbose_name_plural = _("timesheet locks")

    def __str__(self):
        return str(self.locked_through)
