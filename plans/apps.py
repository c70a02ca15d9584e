from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Account plans")

    def ready(self):
        from agency import cards, client_panels, dashboard
        from agency.reminders import registry as reminder_registry

        from . import reminders
        from .providers import client_panel_provider, dashboard_provider, plan_cards

        dashboard.register(dashboard_provider)
        cards.register(plan_cards)
        client_panels.register(client_panel_provider)
        for rule in reminders.RULES:
            reminder_registry.register(rule)
        from agency import search as agency_search

        from . import search

        agency_search.register(search.search_sources)
