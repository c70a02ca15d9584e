from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The OpenAPI description of our token authentication (drf-spectacular
        # finds extensions by importing them).
        # A deactivated user's tokens stop working with their sessions.
        from accounts.user_sessions import user_deactivated

        from . import schema  # noqa: F401
        from .services import tokens_revoke_all_receiver

        user_deactivated.connect(
            tokens_revoke_all_receiver, dispatch_uid="api-revoke-on-deactivate"
        )
