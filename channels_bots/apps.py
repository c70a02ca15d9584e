from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsBotsConfig(AppConfig):
    name = "channels_bots"
    verbose_name = _("Group-bot channels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agency.notifications import register_channel_sender

        from .routing import enqueue

        register_channel_sender(enqueue)
