from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyConfig(AppConfig):
    name = "agency"
    verbose_name = _("Agency")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import dbtypes

        connection_created.connect(dbtypes.register, dispatch_uid="agency.dbtypes")
        from . import (
            checks,  # noqa: F401 - registers the system checks
            search,
        )

        search.register_lookup()
