"""Second factor, password reset, sessions and the audit page (unnamespaced:
the second-factor middleware and Django's auth views reverse these names)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import security_views as views

urlpatterns = [
    path("account/two-factor/", views.mfa_manage, name="mfa_manage"),
    path("account/two-factor/setup/", views.mfa_enrol, name="mfa_enrol"),
    path("account/two-factor/verify/", views.mfa_verify, name="mfa_verify"),
    path(
        "account/two-factor/recovery-codes/",
        views.mfa_recovery_codes,
        name="mfa_recovery_codes",
    ),
    path("account/sessions/", views.session_list, name="session_list"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("account/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_csv"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="security/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="security/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="security/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
