from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Clients and teams")

    def ready(self):
        from agency import search as agency_search

        from . import search

        agency_search.register(search.search_sources)
