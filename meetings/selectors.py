"""Permission-scoped reads of meetings, presentations and calendar feeds.

`meeting_get_for_user` is THE permission helper for a meeting and everything
under it (attendees, agenda, minutes, the presentation round, rehearsals,
downloads). Rules (PERMISSIONS.md):
- a client's meeting is seen by its team, its attendees, the BD and the MD;
  organised (created, edited, agenda sent, minutes, outcome, rounds) by
  account service on the team;
- an internal meeting without a client is seen by its organiser, attendees,
  BD and MD and organised by its organiser;
- finance and everyone else get 404.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Client, Contact, User
from accounts.selectors import client_access, client_work_ids_for, team_members
from agency.permissions import NOT_FOUND, object_or_404
from agency.roles import ACCOUNT_SERVICE, SEES_ALL, Role

from .models import (
    ActionItem,
    Attendee,
    CalendarFeedToken,
    Meeting,
    Presentation,
    PresentationRound,
)


@dataclass(frozen=True)
class MeetingAccess:
    can_view: bool
    can_edit: bool  # organise: edit, send agenda, minutes, outcome, new round
    is_attendee: bool


NO_ACCESS = MeetingAccess(False, False, False)
FEED_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")


def meeting_access(user, meeting: Meeting) -> MeetingAccess:
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    is_attendee = meeting.attendees.filter(user=user).exists()
    if meeting.client_id is None:
        is_organiser = meeting.organiser_id == user.pk
        return MeetingAccess(
            can_view=is_organiser or is_attendee or user.role in SEES_ALL,
            can_edit=is_organiser,
            is_attendee=is_attendee,
        )
    access = client_access(user, meeting.client)
    return MeetingAccess(
        can_view=access.can_view_work or is_attendee,
        can_edit=access.is_account_service_on_team,
        is_attendee=is_attendee,
    )


def meeting_may_organise_for_client(user, client: Client | None) -> bool:
    """Who may create a meeting: account service on the client's team, or
    (no client) any account person, who becomes its organiser."""
    if client is None:
        return user.is_authenticated and user.role in ACCOUNT_SERVICE
    return client_access(user, client).is_account_service_on_team


def meeting_people(meeting: Meeting) -> QuerySet[User]:
    """Active agency people who see the meeting: owners and those responsible are
    chosen among them (an action item's owner is emailed about the meeting)."""
    sees = Q(role__in=list(SEES_ALL)) | Q(meeting_attendances__meeting=meeting)
    if meeting.client_id:
        sees |= Q(memberships__client_id=meeting.client_id)
    else:
        sees |= Q(pk=meeting.organiser_id)
    return (
        User.objects.filter(sees, is_active=True)
        .exclude(role=Role.ADMIN)
        .distinct()
        .order_by("full_name")
    )


def meeting_get_for_user(user, pk) -> tuple[Meeting, MeetingAccess]:
    meeting = object_or_404(
        Meeting.objects.select_related("client", "organiser", "rehearsal_for"), pk
    )
    access = meeting_access(user, meeting)
    if not access.can_view:
        raise Http404(NOT_FOUND)
    return meeting, access


def meeting_list_for_user(user) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("client", "organiser")
    if user.role in SEES_ALL:
        return qs
    mine = Q(organiser=user) | Q(pk__in=Attendee.objects.filter(user=user).values("meeting_id"))
    return qs.filter(Q(client_id__in=client_work_ids_for(user), client__isnull=False) | mine)


def meeting_list_filtered(user, *, scope="upcoming", kind="", days=None, now=None):
    """The meeting list's rows (and the dashboard cards that open it):
    upcoming (from 12 hours ago, optionally within `days`) or past, of one kind."""
    now = now or timezone.now()
    qs = meeting_list_for_user(user)
    if scope == "past":
        qs = qs.filter(start__lt=now).order_by("-start", "-pk")
    else:
        qs = qs.filter(start__gte=now - dt.timedelta(hours=12)).order_by("start", "pk")
        if days:
            qs = qs.filter(start__lt=now + dt.timedelta(days=days))
    if kind in Meeting.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def clients_user_may_organise(user) -> QuerySet[Client]:
    """Clients on whose team the user is account service (the meeting form's choices)."""
    return (
        Client.objects.filter(
            memberships__user=user, memberships__team_role__in=list(ACCOUNT_SERVICE)
        )
        .exclude(status=Client.Status.LOST)
        .distinct()
        .order_by("name")
    )


def meeting_detail_data(meeting: Meeting, user=None) -> dict:
    """Everything the detail page shows to `user`, in a fixed number of queries.

    The client's open action items from other meetings ("carried") are the
    client team's business: an attendee who is not on the team (nor sees every
    client) does not get them.
    """
    attendees = list(meeting.attendees.select_related("user", "contact"))
    agenda = list(meeting.agenda_items.select_related("owner"))
    total_minutes = sum(a.minutes for a in agenda)
    carried = []
    sees_client_work = user is None or (
        meeting.client_id is not None and client_access(user, meeting.client).can_view_work
    )
    if meeting.client_id and sees_client_work:
        carried = list(
            ActionItem.objects.filter(
                client_id=meeting.client_id,
                done_at__isnull=True,
                meeting__start__lt=meeting.start,
            )
            .exclude(meeting=meeting)
            .select_related("owner", "meeting")
        )
    round_ = None
    try:
        round_ = (
            PresentationRound.objects.select_related("presentation")
            .prefetch_related("presenters", "decision_makers", "materials")
            .get(meeting=meeting)
        )
    except PresentationRound.DoesNotExist:
        round_ = None
    rounds = []
    if round_ is not None:
        rounds = list(round_.presentation.rounds.select_related("meeting").order_by("number"))
    return {
        "attendees": attendees,
        "agenda": agenda,
        "agenda_minutes": total_minutes,
        "agenda_too_long": total_minutes > meeting.duration_minutes,
        "room_items": list(meeting.room_items.select_related("responsible")),
        "decisions": list(meeting.decisions.all()),
        "action_items": list(meeting.action_items.select_related("owner", "done_by")),
        "carried_items": carried,
        "round": round_,
        "rounds": rounds,
        "rehearsals": list(meeting.rehearsals.all()) if meeting.is_presentation else [],
        "dispatches": list(meeting.dispatches.select_related("sent_by")[:10]),
    }


def presentation_rehearsal_held(meeting: Meeting) -> bool:
    return meeting.rehearsals.filter(held_at__isnull=False).exists()


def action_item_get_for_user(user, pk) -> tuple[ActionItem, MeetingAccess]:
    item = object_or_404(ActionItem.objects.select_related("meeting", "meeting__client"), pk)
    access = meeting_access(user, item.meeting)
    if not access.can_view and item.owner_id != user.pk:
        raise Http404(NOT_FOUND)
    return item, access


def open_action_items_for(user) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(owner=user, done_at__isnull=True).select_related(
        "meeting", "client"
    )


def meetings_upcoming_for(user, *, days: int = 7) -> list[Meeting]:
    """The user's meetings (organiser, attendee or presenter) in the next `days`."""
    now = timezone.now()
    mine = (
        Q(organiser=user)
        | Q(pk__in=Attendee.objects.filter(user=user).values("meeting_id"))
        | Q(pk__in=PresentationRound.objects.filter(presenters=user).values("meeting_id"))
    )
    return list(
        Meeting.objects.filter(
            mine,
            start__gte=now,
            start__lt=now + dt.timedelta(days=days),
            status=Meeting.Status.PLANNED,
        )
        .select_related("client", "presentation_round")
        .annotate(held_rehearsals=Count("rehearsals", filter=Q(rehearsals__held_at__isnull=False)))
        .order_by("start")
    )


def meetings_in_feed(user) -> QuerySet[Meeting]:
    """The meetings in a user's calendar feed: only their own, from 90 days ago."""
    since = timezone.now() - dt.timedelta(days=90)
    mine = (
        Q(organiser=user)
        | Q(pk__in=Attendee.objects.filter(user=user).values("meeting_id"))
        | Q(pk__in=PresentationRound.objects.filter(presenters=user).values("meeting_id"))
    )
    return (
        Meeting.objects.filter(mine, start__gte=since)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("organiser", "client")
        .order_by("start")
    )


def feed_token_get(token: str) -> CalendarFeedToken:
    """The active token; a revoked or unknown one is 404."""
    # Tokens are URL-safe base64; anything else (a NUL byte, say) is unknown.
    if not token or len(token) > 64 or not FEED_TOKEN_CHARS.fullmatch(token):
        raise Http404(NOT_FOUND)
    try:
        return CalendarFeedToken.objects.select_related("user").get(
            token=token, revoked_at__isnull=True, user__is_active=True
        )
    except CalendarFeedToken.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def feed_token_active_for(user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


@dataclass
class RoundsSummary:
    presentations: int
    rounds: int
    re_presentations: int
    causes: list  # [(label, count)]


def client_rounds_summary(client: Client) -> RoundsSummary:
    """Rounds of a client's presentations: how many, how many failed, why (3 queries).

    No hours: what re-presentations cost is the time entries of activity
    "Re-presentation", shown by billing's client panel (one figure, one owner).
    """
    presentations = Presentation.objects.filter(client=client).count()
    rounds = PresentationRound.objects.filter(presentation__client=client)
    agg = rounds.aggregate(
        total=Count("pk"),
        failed=Count("pk", filter=~Q(failure_cause="")),
    )
    labels = dict(PresentationRound.FailureCause.choices)
    counts = Counter(rounds.exclude(failure_cause="").values_list("failure_cause", flat=True))
    return RoundsSummary(
        presentations=presentations,
        rounds=agg["total"] or 0,
        re_presentations=agg["failed"] or 0,
        causes=[(labels.get(k, k), n) for k, n in counts.most_common()],
    )


# --- the choices of every meetings form: one client's objects only -----------------------
# Forms use these as their querysets (a hand-made POST with another id is a
# form error) and services check against the same ones (safe on their own).


def _agency_people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(role=Role.ADMIN)


def meeting_invitable_users(meeting: Meeting) -> QuerySet[User]:
    """Agency people who may be invited: the client's team (and the BD and MD,
    who see every client); anyone in the agency to an internal meeting."""
    people = _agency_people()
    if meeting.client_id:
        people = people.filter(
            Q(pk__in=team_members(meeting.client).values("pk")) | Q(role__in=list(SEES_ALL))
        )
    return people.order_by("full_name")


def meeting_contacts(meeting: Meeting) -> QuerySet[Contact]:
    """Client contacts who may be invited: this client's only."""
    if not meeting.client_id:
        return Contact.objects.none()
    return Contact.objects.filter(client_id=meeting.client_id).order_by("name")


def round_presenter_choices(meeting: Meeting) -> QuerySet[User]:
    """Who may present: active members of the client's team."""
    if not meeting.client_id:
        return User.objects.none()
    return (
        _agency_people()
        .filter(pk__in=team_members(meeting.client).values("pk"))
        .order_by("full_name")
    )


def presentation_brief_choices(user, client: Client | None):
    """Briefs a presentation may show: this client's, those the user may see."""
    from briefs.selectors import brief_list_for_user

    if client is None:
        return brief_list_for_user(user).none()
    return brief_list_for_user(user).filter(client=client)


def presentation_work_choices(user, client: Client | None):
    """Creative work a presentation may show: the latest version of each piece
    on this client's briefs the user may see; never superseded work."""
    from briefs.models import CreativeWork

    return (
        CreativeWork.objects.filter(brief__in=presentation_brief_choices(user, client))
        .exclude(status=CreativeWork.Status.SUPERSEDED)
        .filter(next_version__isnull=True)
        .select_related("brief")
        .order_by("-submitted_at", "-pk")
    )
