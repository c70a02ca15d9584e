from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Clients and teams")

    def ready(self):
        # Signal receivers: the session verified-state at login, session records,
        # and ending sessions of a deactivated user.
        from agency import search as agency_search

        from . import mfa, search, user_sessions  # noqa: F401

        agency_search.register(search.search_sources)
