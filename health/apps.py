from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """Account health and the role dashboards' cross-app cards.

    Sits on top of accounts, plans, briefs, meetings and billing (it reads all
    of them), like `api`; no other app imports it.
    """

    name = "health"
    verbose_name = _("Account health")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agency import cards, client_panels
        from agency.reminders import registry as reminder_registry

        from . import reminders
        from .providers import client_health_panel, health_cards

        cards.register(health_cards)
        client_panels.register(client_health_panel)
        for rule in reminders.RULES:
            reminder_registry.register(rule)
