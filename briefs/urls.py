from django.urls import path

from . import views

app_name = "briefs"

urlpatterns = [
    path("", views.brief_list, name="brief_list"),
    path("new/", views.brief_create, name="brief_create"),
    path("<int:pk>/", views.brief_detail, name="brief_detail"),
    path("<int:pk>/edit/", views.brief_edit, name="brief_edit"),
    path("<int:pk>/submit/", views.brief_submit, name="brief_submit"),
    path("<int:pk>/creative-review/", views.brief_creative_review, name="brief_creative_review"),
    path("<int:pk>/approve/", views.brief_approve, name="brief_approve"),
    path("<int:pk>/sign/", views.brief_sign, name="brief_sign"),
    path("<int:pk>/agreement/", views.brief_agreement, name="brief_agreement"),
    path("<int:pk>/planner-review/", views.brief_planner_review, name="brief_planner_review"),
    path("<int:pk>/send-back/", views.brief_send_back, name="brief_send_back"),
    path("<int:pk>/brief-creatives/", views.brief_brief, name="brief_brief"),
    path("<int:pk>/close/", views.brief_close, name="brief_close"),
    path("<int:pk>/pdf/", views.brief_pdf, name="brief_pdf"),
    path("<int:pk>/work/new/", views.work_create, name="work_create"),
    path("<int:pk>/work/<int:previous_pk>/next/", views.work_create, name="work_revise"),
    path("<int:pk>/jobs/new/", views.job_create, name="job_create"),
    path("work/<int:pk>/", views.work_detail, name="work_detail"),
    path("work/<int:pk>/judge/<slug:level>/", views.work_judge, name="work_judge"),
    path("work/<int:pk>/escalate/", views.escalation_raise, name="escalation_raise"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/decide/", views.escalation_decide, name="escalation_decide"),
    path("escalations/<int:pk>/contest/", views.escalation_contest, name="escalation_contest"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/stages/<int:stage_pk>/", views.job_stage_edit, name="job_stage_edit"),
    path("jobs/<int:pk>/hand-off/", views.job_hand_off, name="job_hand_off"),
]
