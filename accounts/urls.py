from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.client_list, name="client_list"),
    path("new/", views.client_create, name="client_create"),
    path("<int:pk>/", views.client_detail, name="client_detail"),
    path("<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("<int:pk>/contacts/new/", views.contact_form, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/", views.contact_form, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/parties/new/", views.party_form, name="party_create"),
    path("<int:pk>/parties/<int:party_pk>/", views.party_form, name="party_edit"),
    path("<int:pk>/parties/<int:party_pk>/delete/", views.party_delete, name="party_delete"),
    path("<int:pk>/team/add/", views.membership_add, name="membership_add"),
    path("<int:pk>/team/<int:membership_pk>/", views.membership_edit, name="membership_edit"),
    path(
        "<int:pk>/team/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("<int:pk>/checkins/new/", views.checkin_add, name="checkin_add"),
    path("<int:pk>/checkins/<int:checkin_pk>/", views.checkin_edit, name="checkin_edit"),
]
