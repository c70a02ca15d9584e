from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from agency import client_panels, dashboard
        from agency.reminders import registry as reminder_registry

        from . import reminders
        from .panels import billing_dashboard, billing_panel

        dashboard.register(billing_dashboard)
        client_panels.register(billing_panel)
        for rule in reminders.RULES:
            reminder_registry.register(rule)
        from agency import search as agency_search

        from . import search

        agency_search.register(search.search_sources)
