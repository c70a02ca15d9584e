"""What meetings add to the home page ("Waiting for me") and the client page."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agency.client_panels import Panel
from agency.dashboard import Item, Section

from .models import Meeting
from .selectors import client_rounds_summary, meetings_upcoming_for, open_action_items_for

ACTION_ITEMS_SHOWN = 20


def _missing(meeting: Meeting) -> list[str]:
    out = []
    if meeting.agenda_sent_at is None and meeting.kind != Meeting.Kind.REHEARSAL:
        out.append(_("agenda not sent"))
    if meeting.is_presentation:
        round_ = getattr(meeting, "presentation_round", None)
        if round_ is not None:
            if not round_.opening_remarks.strip():
                out.append(_("opening remarks not written"))
            if not round_.closing_remarks.strip():
                out.append(_("closing remarks not written"))
        if not meeting.held_rehearsals:
            out.append(_("rehearsal not held"))
    return out


def waiting_for_me(user) -> list[Section]:
    """My meetings of the next 7 days with what is missing; my open action items.

    Three queries whatever the number of rows.
    """
    items = []
    for meeting in meetings_upcoming_for(user, days=7):
        start = date_format(timezone.localtime(meeting.start), "Y-m-d H:i")
        missing = _missing(meeting)
        detail = f"{meeting.get_kind_display()} · {start}"
        if missing:
            detail += " · " + _("missing: %(what)s") % {"what": ", ".join(missing)}
        items.append(Item(label=meeting.title, url=meeting.get_absolute_url(), detail=detail))
    sections = [Section(title=_("My meetings in the next 7 days"), items=items, order=40)]
    today = timezone.localdate()
    actions = []
    for action in open_action_items_for(user)[:ACTION_ITEMS_SHOWN]:
        actions.append(
            Item(
                label=action.text[:120],
                url=action.meeting.get_absolute_url(),
                detail=_("due %(date)s · %(meeting)s")
                % {
                    "date": date_format(action.due_date, "Y-m-d"),
                    "meeting": action.meeting,
                },
                overdue=action.due_date < today,
            )
        )
    sections.append(Section(title=_("My open action items"), items=actions, order=45))
    return sections


def client_rounds_panel(request, client, access) -> list[Panel]:
    """Presentation rounds of this client: count, re-presentations and their causes
    (finance: none). The hours are billing's ("Re-presentation" time entries)."""
    if not access.can_view_work:
        return []
    summary = client_rounds_summary(client)
    if not summary.presentations:
        return []
    return [
        Panel(
            title=_("Presentation rounds"),
            template="meetings/_client_rounds_panel.html",
            context={"summary": summary, "client": client},
            order=60,
        )
    ]


# --- Role dashboard cards -------------------------------------------------------

PREP_DAYS = 14


def meeting_cards(user) -> list:
    """Account service: presentations and rehearsals in the next 14 days (each card
    counts the rows of the meeting list its link opens)."""
    from django.urls import reverse

    from agency.cards import Card
    from agency.roles import ACCOUNT_SERVICE, Role

    from .selectors import meeting_list_filtered

    if user.role not in (*ACCOUNT_SERVICE, Role.MD, Role.CREATIVE_DIRECTOR):
        return []
    now = timezone.now()
    out = []
    for kind, title, order in (
        (Meeting.Kind.PRESENTATION, _("Presentations in the next 14 days"), 40),
        (Meeting.Kind.REHEARSAL, _("Rehearsals in the next 14 days"), 41),
    ):
        n = meeting_list_filtered(user, kind=kind, days=PREP_DAYS, now=now).count()
        out.append(
            Card(
                key=f"{kind}s_soon",
                title=title,
                value=n,
                url=reverse("meetings:meeting_list") + f"?kind={kind}&days={PREP_DAYS}",
                order=order,
            )
        )
    return out
