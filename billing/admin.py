"""Admin: cost rates are reference data that finance and the admin maintain.

Invoices, payments and time are read-only here: every change to them goes
through the services (rights, state, timeline), never through the admin.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agency.roles import Role

from .models import (
    AgencyProfile,
    CostRate,
    Invoice,
    InvoiceLine,
    Payment,
    RedLetterInvoice,
    TaxRate,
    TimeEntry,
    TimesheetLock,
)

REFERENCE_EDITORS = (Role.FINANCE, Role.ADMIN)


def _may_edit_reference(request) -> bool:
    user = request.user
    return (
        user.is_active and user.is_staff and (user.is_superuser or user.role in REFERENCE_EDITORS)
    )


class ReferenceDataAdmin(admin.ModelAdmin):
    """Finance and admin edit these whatever their Django permissions."""

    def has_module_permission(self, request):
        return _may_edit_reference(request)

    def has_view_permission(self, request, obj=None):
        return _may_edit_reference(request)

    def has_add_permission(self, request):
        return _may_edit_reference(request)

    def has_change_permission(self, request, obj=None):
        return _may_edit_reference(request)

    def has_delete_permission(self, request, obj=None):
        return _may_edit_reference(request)


@admin.register(CostRate)
class CostRateAdmin(ReferenceDataAdmin):
    list_display = ("role", "rate", "effective_from")
    list_filter = ("role",)
    ordering = ("role", "-effective_from")


@admin.register(TaxRate)
class TaxRateAdmin(ReferenceDataAdmin):
    """Tax rates are configuration: a rate no longer used is switched off
    (not deleted: lines keep the rate they were written at)."""

    list_display = ("rate", "description", "is_default", "is_active")
    list_editable = ("is_active",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgencyProfile)
class AgencyProfileAdmin(ReferenceDataAdmin):
    """The letterhead on every invoice PDF: one row."""

    list_display = ("name", "tax_id", "bank", "bank_account")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AgencyProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TimesheetLock)
class TimesheetLockAdmin(ReferenceDataAdmin):
    list_display = ("locked_through", "locked_by", "created_at")
    exclude = ("locked_by",)

    def save_model(self, request, obj, form, change):
        obj.locked_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services: no add, no change, no delete here,
    for everyone, superusers included (these methods override Django's
    permissions). Deleting an invoice or a payment would break the gapless
    numbering and the sums; moving an invoice's status would skip its
    checks and its timeline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # No "delete selected" either.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("date", "amount", "method", "reference", "recorded_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    """Status, numbers, stamps, amounts and the issued document are the
    workflow's: shown, never editable (the services move an invoice)."""

    list_display = ("__str__", "client", "status", "total", "amount_paid", "issue_date", "due_date")
    list_filter = ("status", "currency")
    list_select_related = ("client",)
    search_fields = ("number", "fapiao_number", "client__name")
    readonly_fields = (
        "client",
        "status",
        "currency",
        "number",
        "number_year",
        "number_seq",
        "fapiao_number",
        "issue_date",
        "due_date",
        "subtotal",
        "tax_amount",
        "total",
        "amount_paid",
        "amount_credited",
        "kind",
        "client_name",
        "invoice_title",
        "tax_id",
        "seller_name",
        "seller_tax_id",
        "document_name",
        "created_by",
        "created_at",
        "requested_by",
        "requested_at",
        "issued_by",
        "issued_at",
        "paid_at",
        "voided_by",
        "voided_at",
        "void_reason",
        "note_to_finance",
    )
    inlines = (InvoiceLineInline, PaymentInline)

    @admin.display(description=_("issued document (PDF)"))
    def document_name(self, obj):
        # The name only: private media has no public URL (the app serves the
        # document through its permission check).
        return obj.document.name or "—"


@admin.register(RedLetterInvoice)
class RedLetterInvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "invoice", "fapiao_number", "issue_date", "reason", "total")
    list_select_related = ("invoice",)
    search_fields = ("number", "fapiao_number", "invoice__number")
    readonly_fields = (
        "invoice",
        "number",
        "fapiao_number",
        "issue_date",
        "reason",
        "is_full",
        "subtotal",
        "tax_amount",
        "total",
        "note",
        "issued_by",
    )
    exclude = ("document", "number_year", "number_seq")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """A recorded payment is never edited nor deleted (the invoice's amount
    paid and status were derived from it); a mistake is corrected by finance
    through the app, with a timeline row."""

    list_display = ("invoice", "date", "amount", "method", "reference")
    list_select_related = ("invoice",)
    readonly_fields = ("invoice", "date", "amount", "method", "reference", "recorded_by")


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "client", "date", "hours", "activity")
    list_filter = ("activity", "role")
    list_select_related = ("user", "client")
    date_hierarchy = "date"
