"""Agency roles. Lives in `agency` so permission helpers depend on no app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AD = "ad", _("Account Director (AD)")
    AM = "am", _("Account Manager (AM)")
    AE = "ae", _("Account Executive (AE)")
    CREATIVE = "creative", _("Creative (copywriter / art director)")
    CREATIVE_DIRECTOR = "cd", _("Creative Director")
    PLANNER = "planner", _("Planner")
    MEDIA = "media", _("Media")
    TRAFFIC = "traffic", _("Traffic")
    FINANCE = "finance", _("Finance")
    BD = "bd", _("Business Director (BD)")
    MD = "md", _("Managing Director (MD)")
    ADMIN = "admin", _("Administrator")


# Account service: the people who own clients (AD / AM / AE).
ACCOUNT_SERVICE = frozenset({Role.AD, Role.AM, Role.AE})
CREATIVES = frozenset({Role.CREATIVE, Role.CREATIVE_DIRECTOR})
# Roles that see every client and everything under it.
SEES_ALL = frozenset({Role.MD, Role.BD})
