from django import template

register = template.Library()


@register.inclusion_tag("_object_reminders.html")
def reminders_for(obj):
    """The reminders already sent about `obj` ("finance reminded on ...").

    Implemented by the reminders work (agency reminder log); until then empty.
    """
    return {"reminders": []}
