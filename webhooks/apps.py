from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # The apps publish events without knowing about webhooks (agency.events).
        from agency.events import subscribe

        from .services import event_received

        subscribe(event_received)
