from django.contrib import admin

from .models import Notification, ReminderLog, TimelineEvent, WorkdayOverride


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "content_type", "object_id", "action", "actor")
    list_filter = ("content_type", "action")
    list_select_related = ("content_type", "actor")
    readonly_fields = [f.name for f in TimelineEvent._meta.fields]

    # The audit trail: nobody adds, edits or deletes a row, superusers included.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("subject", "recipient__full_name")


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in ReminderLog._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    """Days the official calendar (chinesecalendar) does not know or the agency does differently."""

    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("note",)
