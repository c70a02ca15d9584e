"""The activity timeline shown on plans, briefs, meetings and invoices."""

from django.contrib.contenttypes.models import ContentType

from .models import TimelineEvent


def timeline_record(*, obj, action: str, actor=None, comment: str = "", data=None):
    """Record one step. Call inside the service's transaction."""
    return TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        actor=actor,
        comment=comment,
        data=data or {},
    )


def timeline_for(obj):
    return TimelineEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


def labelled_timeline(obj, labels: dict) -> list:
    """The object's timeline, each event with `.label` from the app's labels.

    Each app keeps its own `{action: gettext_lazy(...)}` (it knows its
    actions); this is the one place that applies them. An unknown action shows
    as itself rather than disappearing.
    """
    events = list(timeline_for(obj))
    for e in events:
        e.label = labels.get(e.action, e.action)
    return events
