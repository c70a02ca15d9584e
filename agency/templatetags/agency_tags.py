from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

register = template.Library()


def _subjects(obj) -> list:
    """The objects whose reminders belong on `obj`'s page.

    An object may widen this with a `reminder_subjects()` method (a
    presentation lists its rounds' meetings and their rehearsals); `agency`
    knows no app's models.
    """
    subjects = getattr(obj, "reminder_subjects", None)
    return list(subjects()) if callable(subjects) else [obj]


def reminders_sent_about(obj) -> list[dict]:
    """[{"label", "occurrence", "sent_at", "recipients": [names]}], oldest first."""
    from django.contrib.auth import get_user_model

    from agency.models import ReminderLog
    from agency.reminders.registry import rule_for

    User = get_user_model()

    if obj is None or getattr(obj, "pk", None) is None:
        return []
    where = Q()
    for s in _subjects(obj):
        where |= Q(content_type=ContentType.objects.get_for_model(s), object_id=s.pk)
    logs = list(
        ReminderLog.objects.filter(where, status=ReminderLog.Status.SENT).order_by("sent_at", "pk")
    )
    ids = {pk for log in logs for pk in log.recipient_ids}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    out = []
    for log in logs:
        rule = rule_for(log.kind)
        out.append(
            {
                "label": rule.label if rule else log.kind,
                "step": rule.step_label(log.occurrence) if rule else "",
                "occurrence": log.occurrence,
                "sent_at": log.sent_at,
                "recipients": [names[pk] for pk in log.recipient_ids if pk in names],
            }
        )
    return out


@register.inclusion_tag("_object_reminders.html")
def reminders_for(obj):
    """The reminders already sent about `obj` ("finance reminded on ...")."""
    return {"reminders": reminders_sent_about(obj)}
