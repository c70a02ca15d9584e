from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from agency import cards, client_panels, dashboard
        from agency.reminders import registry as reminder_registry

        from . import reminders
        from .cards import billing_cards
        from .panels import billing_dashboard, billing_panel

        dashboard.register(billing_dashboard)
        cards.register(billing_cards)
        client_panels.register(billing_panel)
        for rule in reminders.RULES:
            reminder_registry.register(rule)
        from agency import search as agency_search

        from . import search

        agency_search.register(search.search_sources)
