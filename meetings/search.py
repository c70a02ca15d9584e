"""Search sources for meetings, their minutes, decisions and action items
(registered in apps.py).

Scoped by `meeting_list_for_user`: the meetings of the user's teams, those they
organise or attend; a department head or the MD sees all.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agency.search import Hit, first_snippet, group, matches

from .models import ActionItem, AgendaItem, Decision
from .selectors import meeting_list_for_user

MEETING_FIELDS = ("title", "purpose", "conclusions")
# The minutes: the conclusions above and each agenda topic's notes.
AGENDA_FIELDS = ("topic", "notes")
DECISION_FIELDS = ("text",)
ACTION_FIELDS = ("text",)


def search_sources(user, q):
    visible = meeting_list_for_user(user)
    visible_ids = visible.order_by().values("pk")
    in_minutes = AgendaItem.objects.filter(matches(q, *AGENDA_FIELDS)).values("meeting_id")
    meetings = visible.filter(matches(q, *MEETING_FIELDS) | Q(pk__in=in_minutes)).order_by(
        "-start", "-pk"
    )
    decisions = (
        Decision.objects.filter(meeting_id__in=visible_ids)
        .filter(matches(q, *DECISION_FIELDS))
        .select_related("meeting")
        .order_by("-meeting__start", "pk")
    )
    actions = (
        ActionItem.objects.filter(meeting_id__in=visible_ids)
        .filter(matches(q, *ACTION_FIELDS))
        .select_related("meeting", "owner")
        .order_by("done_at", "due_date", "pk")
    )
    return [
        group(
            "meetings",
            _("Meetings"),
            meetings,
            lambda m: Hit(
                m.title,
                m.get_absolute_url(),
                context=_meeting_context(m),
                snippet=first_snippet(q, [m.purpose, m.conclusions]),
            ),
            order=60,
        ),
        group(
            "decisions",
            _("Decisions"),
            decisions,
            lambda d: Hit(
                first_snippet(q, [d.text]) or d.text[:80],
                d.meeting.get_absolute_url(),
                context=_meeting_context(d.meeting),
            ),
            order=65,
        ),
        group(
            "action_items",
            _("Action items"),
            actions,
            lambda a: Hit(
                first_snippet(q, [a.text]) or a.text[:80],
                a.meeting.get_absolute_url(),
                context=_action_context(a),
            ),
            order=70,
        ),
    ]


def _meeting_context(meeting) -> str:
    return f"{meeting.title} · {timezone.localtime(meeting.start):%Y-%m-%d}"


def _action_context(item) -> str:
    owner = item.owner.full_name or item.owner.username
    done = _("done") if item.done_at else _("due %(date)s") % {"date": f"{item.due_date:%Y-%m-%d}"}
    return f"{item.meeting.title} · {owner} · {done}"
