"""Admin: cost rates are reference data that finance and the admin maintain.

Invoices, payments and time are read-only here: every change to them goes
through the services (rights, state, timeline), never through the admin.
"""

from django.contrib import admin

from agency.roles import Role

from .models import CostRate, Invoice, InvoiceLine, Payment, TimeEntry, TimesheetLock

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


@admin.register(TimesheetLock)
class TimesheetLockAdmin(ReferenceDataAdmin):
    list_display = ("locked_through", "locked_by", "created_at")
    exclude = ("locked_by",)

    def save_model(self, request, obj, form, change):
        obj.locked_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "client", "status", "total", "amount_paid", "issue_date", "due_date")
    list_filter = ("status", "currency")
    list_select_related = ("client",)
    search_fields = ("number", "fapiao_number", "client__name")
    inlines = (InvoiceLineInline,)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "date", "amount", "method", "reference")
    list_select_related = ("invoice",)


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyAdmin):
    list_display = ("user", "client", "date", "hours", "activity")
    list_filter = ("activity",)
    list_select_related = ("user", "client")
    date_hierarchy = "date"
