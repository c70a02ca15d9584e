from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from agency import cards, client_panels, dashboard
        from agency.reminders import registry as reminder_registry

        from . import reminders
        from .providers import client_rounds_panel, meeting_cards, waiting_for_me

        dashboard.register(waiting_for_me)
        cards.register(meeting_cards)
        client_panels.register(client_rounds_panel)
        for rule in reminders.RULES:
            reminder_registry.register(rule)
        from agency import search as agency_search

        from . import search

        agency_search.register(search.search_sources)
