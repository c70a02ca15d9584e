"""Filtering of the list endpoints: by client, status and date.

Every list takes `client` (an id), `status` and `date_from` / `date_to` (ISO
dates, inclusive) on the resource's own date. The filters narrow the
permission-scoped queryset; they never widen it.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from agency.dates import validate_in_range
from billing.models import Invoice, TimeEntry
from briefs.models import Brief
from meetings.models import Meeting
from plans.models import AccountPlan


def _dates(field: str, help_text):
    return (
        django_filters.DateFilter(
            field_name=field, lookup_expr="gte", label=help_text[0], validators=[validate_in_range]
        ),
        django_filters.DateFilter(
            field_name=field, lookup_expr="lte", label=help_text[1], validators=[validate_in_range]
        ),
    )


class ClientFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Client.Status.choices)
    date_from, date_to = _dates("since", (_("client since, from"), _("client since, to")))

    class Meta:
        model = Client
        fields = ["status"]


class PlanFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=AccountPlan.Status.choices)
    year = django_filters.NumberFilter()
    date_from, date_to = _dates(
        "updated_at__date", (_("changed on or after"), _("changed on or before"))
    )

    class Meta:
        model = AccountPlan
        fields = ["client", "status", "year"]


class BriefFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=Brief.Status.choices)
    date_from, date_to = _dates("created_at__date", (_("created from"), _("created to")))

    class Meta:
        model = Brief
        fields = ["client", "status"]


class MeetingFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    date_from, date_to = _dates("start__date", (_("starts from"), _("starts to")))

    class Meta:
        model = Meeting
        fields = ["client", "status", "kind"]


class InvoiceFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=Invoice.Status.choices)
    date_from, date_to = _dates("issue_date", (_("issued from"), _("issued to")))

    class Meta:
        model = Invoice
        fields = ["client", "status"]


class TimeEntryFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    user = django_filters.NumberFilter(field_name="user_id")
    activity = django_filters.ChoiceFilter(choices=TimeEntry.Activity.choices)
    date_from, date_to = _dates("date", (_("on or after"), _("on or before")))

    class Meta:
        model = TimeEntry
        fields = ["client", "user", "activity"]
