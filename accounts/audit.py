"""The audit page's rows: who did what, when, on which object.

The rows are the timeline (`agency.models.TimelineEvent`), written by each
app's services in the same transaction as the change. This module adds the
rows the timeline lacked (exports, through `export_record`), decides what a
viewer may see (`audit_rows_for_user`) and writes the CSV. Nothing here
changes a row; the admin shows them read-only.

Who sees what: the MD sees every row; finance sees billing, team changes,
exports and API tokens. Everyone else is refused (403).
"""

import csv
import io

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agency.models import TimelineEvent
from agency.permissions import deny_unless
from agency.roles import Role
from agency.timeline import timeline_record

from .models import User
from .services import TEAM_ACTIONS

EXPORT = "export"
FINANCE_APPS = ("billing", "api")


def audit_may_see(user) -> bool:
    return user.is_authenticated and user.role in (Role.MD, Role.FINANCE)


def export_record(*, actor, report: str, fmt: str, rows: int, client=None) -> None:
    """Record that `actor` exported a report (the audit page lists exports)."""
    data = {"report": report, "format": fmt, "rows": rows}
    if client is not None:
        data["client"] = str(client)
        data["client_id"] = client.pk
    timeline_record(obj=actor, action=EXPORT, actor=actor, data=data)


def audit_rows_for_user(user):
    """Every row the viewer may see, newest first; refuses (403) who may not."""
    deny_unless(audit_may_see(user))
    rows = TimelineEvent.objects.select_related("actor", "content_type").order_by(
        "-created_at", "-pk"
    )
    if user.role != Role.MD:
        rows = rows.filter(
            Q(content_type__app_label__in=FINANCE_APPS)
            | Q(action__in=TEAM_ACTIONS)
            | Q(action=EXPORT)
        )
    return rows


def _object_type_choices():
    types = ContentType.objects.filter(
        pk__in=TimelineEvent.objects.values("content_type").distinct()
    )
    return sorted(((ct.pk, str(ct.name)) for ct in types), key=lambda c: c[1])


def _action_choices():
    actions = TimelineEvent.objects.values_list("action", flat=True).distinct()
    return [(a, a) for a in sorted(set(actions))]


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        label=_("Person"),
        queryset=User.objects.all(),
        empty_label=_("Anyone"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    content_type = django_filters.ChoiceFilter(
        label=_("Object type"),
        choices=_object_type_choices,
        empty_label=_("Any object"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"),
        choices=_action_choices,
        empty_label=_("Any action"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    class Meta:
        model = TimelineEvent
        fields = ("actor", "content_type", "action", "since", "until")


def audit_object_label(event) -> str:
    subject = event.subject
    name = str(subject) if subject is not None else _("(deleted)")
    return f"{event.content_type.name} #{event.object_id}: {name}"


def audit_table(events) -> tuple[list[str], list[list[str]]]:
    """The page's columns and rows, the same for the page and the CSV."""
    from django.utils import timezone
    from django.utils.formats import date_format

    header = [str(h) for h in (_("When"), _("Person"), _("Action"), _("Object"), _("Details"))]
    table = []
    for e in events:
        details = "; ".join(f"{k}={v}" for k, v in sorted((e.data or {}).items()))
        if e.comment:
            details = f"{e.comment} {details}".strip()
        table.append(
            [
                date_format(timezone.localtime(e.created_at), "Y-m-d H:i:s"),
                str(e.actor) if e.actor else "",
                e.action,
                audit_object_label(e),
                details,
            ]
        )
    return header, table


# A text cell starting with one of these is run as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def audit_csv(header, table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(v) for v in header])
    for row in table:
        writer.writerow([csv_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
