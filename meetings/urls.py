from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("presentations/new/", views.presentation_create, name="presentation_create"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/held/", views.meeting_held, name="meeting_held"),
    path("<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/attendees/add/", views.attendee_add, name="attendee_add"),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/remove/",
        views.attendee_remove,
        name="attendee_remove",
    ),
    path("<int:pk>/room/", views.room_setup, name="room_setup"),
    path("<int:pk>/agenda/", views.agenda_edit, name="agenda_edit"),
    path("<int:pk>/agenda/<int:item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("<int:pk>/agenda/send/", views.agenda_send, name="agenda_send"),
    path(
        "<int:pk>/agenda/sendings/<int:dispatch_pk>/again/",
        views.agenda_resend,
        name="agenda_resend",
    ),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/invite.ics", views.meeting_ics_download, name="meeting_ics"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("<int:pk>/actions/add/", views.action_item_add, name="action_item_add"),
    path("<int:pk>/actions/<int:item_pk>/done/", views.action_item_done, name="action_item_done"),
    path("<int:pk>/storyline/", views.storyline_edit, name="storyline_edit"),
    path("<int:pk>/materials/add/", views.material_add, name="material_add"),
    path(
        "<int:pk>/materials/<int:material_pk>/remove/",
        views.material_remove,
        name="material_remove",
    ),
    path(
        "<int:pk>/materials/<int:material_pk>/",
        views.material_download,
        name="material_download",
    ),
    path("<int:pk>/rehearsal/new/", views.rehearsal_create, name="rehearsal_create"),
    path("<int:pk>/outcome/", views.outcome_record, name="outcome_record"),
    path("<int:pk>/next-round/", views.round_open_next, name="round_open_next"),
]
