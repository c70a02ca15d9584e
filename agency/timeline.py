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
