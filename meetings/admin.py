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

# The admin corrects typos; it never moves a meeting, presentation, round or
# action item through its workflow (the services do, with a timeline row):
# status and stamps are read-only here.
MEETING_WORKFLOW = ("status", "agenda_sent_at", "held_at", "closed_at", "created_by", "created_at")
ROUND_WORKFLOW = ("outcome", "outcome_recorded_at", "failure_cause", "failure_note")
ACTION_WORKFLOW = ("done_at", "done_by", "done_in", "created_at")


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    raw_id_fields = ("user", "contact")
    readonly_fields = ("agenda_sent_at",)


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
    raw_id_fields = ("client", "organiser", "rehearsal_for")
    readonly_fields = MEETING_WORKFLOW
    inlines = [AttendeeInline, AgendaItemInline, RoomSetupItemInline]

    def has_add_permission(self, request):
        return False  # planned through the app (organiser, first attendee, timeline)


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("text", "owner", "due_date", "done_at", "client")
    list_filter = ("done_at",)
    raw_id_fields = ("meeting", "client", "owner")
    readonly_fields = ACTION_WORKFLOW


class RoundInline(admin.TabularInline):
    model = PresentationRound
    extra = 0
    fields = ("number", "meeting", *ROUND_WORKFLOW)
    readonly_fields = ("number", "meeting", *ROUND_WORKFLOW)

    def has_add_permission(self, request, obj=None):
        return False  # a round is opened by the service (cause of the previous one)


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("client", "brief", "creative_work")
    readonly_fields = ("status", "created_by", "created_at")
    inlines = [RoundInline]

    def has_add_permission(self, request):
        return False  # planned through the app, with the meeting of its first round


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "revoked_at")
    exclude = ("token",)  # the secret is never shown, even to admins
    raw_id_fields = ("user",)


@admin.register(AgendaDispatch)
class AgendaDispatchAdmin(admin.ModelAdmin):
    """A record of what was sent and whether it was delivered: read-only.
    An undelivered agenda is sent again from the meeting page."""

    list_display = ("meeting", "sent_at", "sent_by", "status", "attempts", "last_attempt_at")
    list_filter = ("status",)
    list_select_related = ("meeting", "sent_by")
    readonly_fields = [f.name for f in AgendaDispatch._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(Decision)
admin.site.register(SupportingMaterial)
