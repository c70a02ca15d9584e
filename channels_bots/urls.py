from django.urls import path

from . import views

app_name = "channels_bots"

urlpatterns = [
    path("", views.channel_list, name="list"),
    path("new/", views.channel_add, name="add"),
    path("<int:pk>/", views.channel_detail, name="detail"),
    path("<int:pk>/edit/", views.channel_edit, name="edit"),
]
