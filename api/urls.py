"""/api/: the REST API (v1), its OpenAPI schema and docs, and the token page.

The API views are exempt from LoginRequiredMiddleware (which would redirect a
token request to the login page; DRF's views opt out by themselves, this says
it here too): DRF authenticates them (token or session) and answers 401. The
docs page and the token page are pages for a logged-in person.
"""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import token_views, views

app_name = "api"

router = SimpleRouter()
router.register("clients", views.ClientViewSet, basename="client")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("briefs", views.BriefViewSet, basename="brief")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("time-entries", views.TimeEntryViewSet, basename="time-entry")

v1 = router.urls
for pattern in v1:
    login_not_required(pattern.callback)

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        # DRF views opt out of LoginRequiredMiddleware: ask for the login here.
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("v1/", include(v1)),
]
