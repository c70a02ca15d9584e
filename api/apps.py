from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The OpenAPI description of our token authentication (drf-spectacular
        # finds extensions by importing them).
        from . import schema  # noqa: F401
