"""The admin shows agency's history tables, and changes none of them.

Timeline rows, inbox rows and the reminder ledger are records of what
happened: nobody adds, edits or deletes them in the admin (superusers
included). Services write them, in the transaction of the change they record.
"""

from django.contrib import admin

from .models import Notification, ReminderLog, TimelineEvent, WorkdayOverride


class ViewOnlyAdmin(admin.ModelAdmin):
    """A record table: listed and opened in the admin, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TimelineEvent)
class TimelineEventAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "content_type", "object_id", "action", "actor")
    list_filter = ("content_type", "action")
    list_select_related = ("content_type", "actor")

    # The audit trail: nobody adds, edits or deletes a row, superusers included.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("subject", "recipient__full_name")


@admin.register(ReminderLog)
class ReminderLogAdmin(ViewOnlyAdmin):
    """Failed and abandoned reminders are looked at here (or `send_reminders --failures`)."""

    list_display = (
        "created_at",
        "kind",
        "content_type",
        "object_id",
        "occurrence",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("content_type",)
    search_fields = ("kind", "occurrence", "last_error")


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    """Days the official calendar (chinesecalendar) does not know or the agency does differently."""

    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("note",)
