from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefsConfig(AppConfig):
    name = "briefs"
    verbose_name = _("Creative briefs")

    def ready(self):
        from agency import cards, client_panels, dashboard
        from agency.reminders import registry as reminder_registry

        from . import providers, reminders

        dashboard.register(providers.dashboard_sections)
        cards.register(providers.brief_cards)
        client_panels.register(providers.client_panels)
        for rule in reminders.RULES:
            reminder_registry.register(rule)
        from agency import search as agency_search

        from . import search

        agency_search.register(search.search_sources)
