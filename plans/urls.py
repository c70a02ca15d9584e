from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/<int:client_pk>/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/review/", views.plan_review, name="plan_review"),
    path("<int:pk>/sign-off/", views.plan_sign_off, name="plan_sign_off"),
    path("<int:pk>/return/", views.plan_return, name="plan_return"),
    path("<int:pk>/revise/", views.plan_start_revision, name="plan_start_revision"),
    path(
        "<int:pk>/phase-goals/<int:goal_pk>/status/",
        views.phase_goal_status,
        name="phase_goal_status",
    ),
    path("<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
]
