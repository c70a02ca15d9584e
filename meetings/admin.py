from django.contrib import admin

from .models import (
    ActionItem,
    AgendaDispatch,
    AgendaItem,
    Attendee,
    CalendarFeedToken,
    Decision,
    Meeting,
    Presentation,
    PresentationRound,
    RoomSetupItem,
    SupportingMaterial,
)


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    raw_id_fields = ("user", "contact")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ("owner",)


class RoomSetupItemInline(admin.TabularInline):
    model = RoomSetupItem
    extra = 0
    raw_id_fields = ("responsible",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "client", "start", "organiser", "agenda_sent_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "purpose", "client__name")
    date_hierarchy = "start"
    raw_id_fields = ("client", "organiser", "rehearsal_for", "created_by")
    inlines = [AttendeeInline, AgendaItemInline, RoomSetupItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("text", "owner", "due_date", "done_at", "client")
    list_filter = ("done_at",)
    raw_id_fields = ("meeting", "client", "owner", "done_by", "done_in")


class RoundInline(admin.TabularInline):
    model = PresentationRound
    extra = 0
    fields = ("number", "meeting", "outcome", "failure_cause", "hours_lost")
    raw_id_fields = ("meeting",)


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("client", "brief", "creative_work", "created_by")
    inlines = [RoundInline]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "revoked_at")
    exclude = ("token",)  # the secret is never shown, even to admins
    raw_id_fields = ("user",)


admin.site.register(Decision)
admin.site.register(AgendaDispatch)
admin.site.register(SupportingMaterial)
