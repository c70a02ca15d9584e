"""Who sees and who organises meetings: the permission matrix of PERMISSIONS.md.

Account service on the team organises; the team, attendees, the BD and the MD
read; finance and outsiders get 404; a reader who tries to act gets 403 and
nothing changes.
"""

import pytest
from django.urls import reverse

from agency.models import TimelineEvent
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    PresentationRound,
    RoomSetupItem,
    SupportingMaterial,
)

from .factories import ActionItemFactory, AttendeeFactory, MeetingFactory, in_days

READERS = ("am", "ae", "ad", "cd", "copywriter", "planner", "media", "traffic", "bd", "md")
ORGANISERS = ("am", "ae", "ad")
READ_ONLY = ("cd", "copywriter", "planner", "media", "traffic", "bd", "md")
HIDDEN = ("finance", "outsider")


def db_state():
    return (
        list(Meeting.objects.values_list().order_by("pk")),
        list(Attendee.objects.values_list().order_by("pk")),
        list(AgendaItem.objects.values_list().order_by("pk")),
        list(RoomSetupItem.objects.values_list().order_by("pk")),
        list(Decision.objects.values_list("pk", "text").order_by("pk")),
        list(ActionItem.objects.values_list().order_by("pk")),
        list(PresentationRound.objects.values_list().order_by("pk")),
        list(SupportingMaterial.objects.values_list("pk").order_by("pk")),
        TimelineEvent.objects.count(),
    )


def read_urls(m):
    return [
        reverse("meetings:meeting_detail", args=[m.pk]),
        reverse("meetings:meeting_ics", args=[m.pk]),
        reverse("meetings:agenda_pdf", args=[m.pk]),
    ]


def write_posts(m, p, item, attendee):
    """(url, data) for every action of an organiser."""
    start = in_days(-2).strftime("%Y-%m-%dT%H:%M")
    return [
        (
            reverse("meetings:meeting_edit", args=[m.pk]),
            {"title": "x", "purpose": "y", "start": start, "duration_minutes": 30},
        ),
        (reverse("meetings:meeting_held", args=[m.pk]), {}),
        (reverse("meetings:meeting_close", args=[m.pk]), {}),
        (reverse("meetings:attendee_add", args=[m.pk]), {"user": attendee.pk}),
        (reverse("meetings:attendee_remove", args=[m.pk, m.attendees.first().pk]), {}),
        (
            reverse("meetings:agenda_edit", args=[m.pk]),
            {
                "rows-TOTAL_FORMS": "1",
                "rows-INITIAL_FORMS": "0",
                "rows-0-topic": "x",
                "rows-0-minutes": "5",
            },
        ),
        (
            reverse("meetings:room_setup", args=[m.pk]),
            {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-label": "Tea"},
        ),
        (reverse("meetings:agenda_item_move", args=[m.pk, item.pk]), {"direction": "down"}),
        (reverse("meetings:agenda_send", args=[m.pk]), {}),
        (reverse("meetings:minutes_edit", args=[m.pk]), {"conclusions": "hacked"}),
        (reverse("meetings:decision_add", args=[m.pk]), {"text": "hacked"}),
        (
            reverse("meetings:action_item_add", args=[m.pk]),
            {"text": "x", "owner": attendee.pk, "due_date": "2030-01-01"},
        ),
        (reverse("meetings:storyline_edit", args=[p.pk]), {"opening_remarks": "hacked"}),
        (
            reverse("meetings:material_add", args=[p.pk]),
            {"kind": "film", "title": "x", "url": "https://example.com"},
        ),
        (
            reverse("meetings:rehearsal_create", args=[p.pk]),
            {"start": start, "duration_minutes": 60},
        ),
        (reverse("meetings:outcome_record", args=[p.pk]), {"outcome": "accepted"}),
        (
            reverse("meetings:round_open_next", args=[p.pk]),
            {
                "failure_cause": "execution",
                "failure_note": "x",
                "start": start,
                "duration_minutes": 60,
            },
        ),
    ]


@pytest.fixture
def world(cast, meeting, presentation):
    presentation.start = in_days(-1)
    presentation.save()
    return meeting, presentation


@pytest.mark.parametrize("who", READERS)
def test_team_bd_and_md_read_the_meeting_the_calendar_file_and_the_pdf(cast, world, as_user, who):
    meeting, presentation = world
    c = as_user(getattr(cast, who))
    for m in (meeting, presentation):
        for url in read_urls(m):
            assert c.get(url).status_code == 200, url


@pytest.mark.parametrize("who", HIDDEN)
def test_finance_and_outsiders_get_404_on_every_meeting_page_and_post(cast, world, as_user, who):
    meeting, presentation = world
    item = meeting.agenda_items.first()
    before = db_state()
    c = as_user(getattr(cast, who))
    for m in (meeting, presentation):
        for url in read_urls(m):
            assert c.get(url).status_code == 404, url
    for url, data in write_posts(meeting, presentation, item, cast.ae):
        assert c.post(url, data).status_code == 404, url
    assert db_state() == before


@pytest.mark.parametrize("who", READ_ONLY)
def test_readers_who_may_not_organise_get_403_and_nothing_changes(cast, world, as_user, who):
    meeting, presentation = world
    item = meeting.agenda_items.first()
    before = db_state()
    c = as_user(getattr(cast, who))
    for url, data in write_posts(meeting, presentation, item, cast.ae):
        assert c.post(url, data).status_code == 403, url
        assert c.get(url).status_code in (403, 405), url
    assert db_state() == before


def test_an_attendee_from_outside_the_team_reads_but_may_not_organise(cast, meeting, as_user):
    AttendeeFactory(meeting=meeting, user=cast.outsider)
    c = as_user(cast.outsider)
    assert c.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 200
    assert c.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 200
    before = db_state()
    assert (
        c.post(reverse("meetings:decision_add", args=[meeting.pk]), {"text": "x"}).status_code
        == 403
    )
    assert db_state() == before


def test_internal_meeting_without_client_is_organised_by_its_organiser_only(cast, as_user):
    m = MeetingFactory(client=None, kind=Meeting.Kind.INTERNAL, organiser=cast.ae)
    AttendeeFactory(meeting=m, user=cast.copywriter)
    url = reverse("meetings:meeting_detail", args=[m.pk])
    for who in ("ae", "copywriter", "bd", "md"):
        assert as_user(getattr(cast, who)).get(url).status_code == 200, who
    for who in ("am", "finance", "outsider"):
        assert as_user(getattr(cast, who)).get(url).status_code == 404, who
    decision = reverse("meetings:decision_add", args=[m.pk])
    assert as_user(cast.copywriter).post(decision, {"text": "x"}).status_code == 403
    assert as_user(cast.ae).post(decision, {"text": "ok"}).status_code == 302
    assert list(m.decisions.values_list("text", flat=True)) == ["ok"]


def test_action_item_is_closed_by_its_owner_and_not_by_another_reader(cast, meeting, as_user):
    item = ActionItemFactory(meeting=meeting, owner=cast.copywriter)
    url = reverse("meetings:action_item_done", args=[meeting.pk, item.pk])
    assert as_user(cast.planner).post(url).status_code == 403
    item.refresh_from_db()
    assert item.done_at is None
    assert as_user(cast.copywriter).post(url).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None


@pytest.mark.parametrize("who", ORGANISERS)
def test_account_service_on_the_team_organises(cast, meeting, as_user, who):
    url = reverse("meetings:decision_add", args=[meeting.pk])
    assert as_user(getattr(cast, who)).post(url, {"text": f"by {who}"}).status_code == 302
    assert meeting.decisions.filter(text=f"by {who}").exists()


def test_meeting_list_shows_only_visible_meetings(cast, meeting, as_user):
    foreign = MeetingFactory(
        client=cast.other_client, organiser=cast.outsider, title="Foreign talk"
    )
    page = as_user(cast.copywriter).get(reverse("meetings:meeting_list")).content.decode()
    assert "Quarterly review" in page
    assert "Foreign talk" not in page
    page = as_user(cast.finance).get(reverse("meetings:meeting_list")).content.decode()
    assert "Quarterly review" not in page
    page = as_user(cast.md).get(reverse("meetings:meeting_list")).content.decode()
    assert "Quarterly review" in page and foreign.title in page


def test_create_pages_refuse_roles_that_do_not_organise(cast, as_user):
    for who in ("copywriter", "finance", "bd", "md"):
        c = as_user(getattr(cast, who))
        assert c.get(reverse("meetings:meeting_create")).status_code == 403, who
        assert c.get(reverse("meetings:presentation_create")).status_code == 403, who
    assert not Meeting.objects.exists()
