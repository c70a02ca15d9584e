from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Clients and teams")

    def ready(self):
        # Signal receivers: the session verified-state at login, session records,
        # and ending sessions of a deactivated user.
        from . import mfa, user_sessions  # noqa: F401
