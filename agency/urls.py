from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.passwords import ThrottledPasswordChangeForm
from accounts.views import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("healthz/", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            success_url="/password/done/", form_class=ThrottledPasswordChangeForm
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("language/", set_language, name="set_language"),
    path("", include("accounts.security_urls")),
    path("clients/", include("accounts.urls")),
    path("plans/", include("plans.urls")),
    path("briefs/", include("briefs.urls")),
    path("meetings/", include("meetings.urls")),
    path("billing/", include("billing.urls")),
    path("channels/", include("channels_bots.urls")),
    path("health/", include("health.urls")),
    path("api/", include("api.urls")),
    path("imports/", include("imports.urls")),
    path("admin/", admin.site.urls),
]
