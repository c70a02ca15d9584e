"""Health's reminder: a client turned red -> its account lead and ADs, once per turn."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from agency.reminders.base import Due, Rule

# A turn to red older than this is not announced late (the sweep was down for weeks).
FRESH_DAYS = 14


class HealthTurnedRed(Rule):
    kind = "health_turned_red"
    label = _("Team told: the account's health turned red")

    def queryset(self):
        from accounts.reminders import with_leads

        from .models import HealthSnapshot

        return with_leads(HealthSnapshot.objects.select_related("client"))

    def due(self, now):
        qs = self.queryset().filter(
            turned_red=True, week__gte=now.date() - dt.timedelta(days=FRESH_DAYS)
        )
        for snap in self.not_logged(qs, "red"):
            yield Due(snap, "red")

    def recipients(self, obj, occurrence):
        from accounts.reminders import ads_of, lead_of, unique_users

        return unique_users([lead_of(obj.client), *ads_of(obj.client)])

    def context(self, obj, occurrence):
        return {"snapshot": obj, "client": obj.client}


RULES = [HealthTurnedRed()]
