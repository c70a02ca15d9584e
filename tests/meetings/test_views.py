import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agency.errors import DomainError
from meetings import services
from meetings.models import ActionItem, AgendaItem, Meeting, Presentation, PresentationRound

from .factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendeeFactory,
    MeetingFactory,
    in_days,
    presentation_meeting,
)


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def detail(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


# --- planning ------------------------------------------------------------------------


def test_am_plans_a_client_meeting_with_agenda_room_and_a_contact(cast, as_user):
    c = as_user(cast.am)
    response = c.post(
        reverse("meetings:meeting_create"),
        {
            "client": cast.client.pk,
            "kind": "client",
            "title": "Kick-off",
            "purpose": "Agree the plan",
            "start": local(in_days(2)),
            "duration_minutes": 45,
            "location": "HQ",
        },
    )
    meeting = Meeting.objects.get(title="Kick-off")
    assert response.status_code == 302
    assert meeting.organiser == cast.am
    assert meeting.start == in_days(2)

    rows = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-0-position": "1",
        "rows-0-topic": "Plan",
        "rows-0-minutes": "30",
        "rows-0-owner": cast.am.pk,
        "rows-1-position": "2",
        "rows-1-topic": "Budget",
        "rows-1-minutes": "30",
    }
    assert c.post(reverse("meetings:agenda_edit", args=[meeting.pk]), rows).status_code == 302
    assert list(meeting.agenda_items.values_list("topic", flat=True)) == ["Plan", "Budget"]
    room = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-label": "Projector"}
    assert c.post(reverse("meetings:room_setup", args=[meeting.pk]), room).status_code == 302
    add = reverse("meetings:attendee_add", args=[meeting.pk])
    assert c.post(add, {"contact": cast.contact.pk, "receives_agenda": "on"}).status_code == 302

    page = c.get(detail(meeting)).content.decode()
    assert "Projector" in page
    assert "陈总" in page and "Decision maker" in page
    # 60 minutes of topics in a 45-minute meeting
    assert 'id="agenda-too-long"' in page

    # reorder: Budget up
    budget = meeting.agenda_items.get(topic="Budget")
    c.post(reverse("meetings:agenda_item_move", args=[meeting.pk, budget.pk]), {"direction": "up"})
    assert list(meeting.agenda_items.values_list("topic", flat=True)) == ["Budget", "Plan"]


def test_agenda_formset_ignores_rows_of_another_meeting(cast, meeting, as_user):
    other = MeetingFactory(client=cast.client, organiser=cast.am)
    foreign = AgendaItemFactory(meeting=other, topic="Not yours")
    data = {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "1",
        "rows-0-id": foreign.pk,
        "rows-0-topic": "Hijack",
        "rows-0-minutes": "5",
    }
    as_user(cast.am).post(reverse("meetings:agenda_edit", args=[meeting.pk]), data)
    foreign.refresh_from_db()
    assert foreign.topic == "Not yours"
    assert not AgendaItem.objects.filter(topic="Hijack").exists()


def test_meeting_form_rejects_bad_dates_and_durations_without_500(cast, as_user):
    c = as_user(cast.am)
    for start, duration in (("not-a-date", 30), (local(in_days(1)), 0), (local(in_days(1)), "x")):
        response = c.post(
            reverse("meetings:meeting_create"),
            {
                "client": cast.client.pk,
                "kind": "client",
                "title": "t",
                "purpose": "p",
                "start": start,
                "duration_minutes": duration,
            },
        )
        assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_unknown_ids_are_404(cast, as_user):
    c = as_user(cast.am)
    assert c.get("/meetings/999999/").status_code == 404
    assert c.get("/meetings/99999999999999999999/").status_code == 404


def test_agenda_send_page_sends_and_shows_who_received_it(
    cast, meeting, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    c = as_user(cast.am)
    assert c.get(reverse("meetings:agenda_send", args=[meeting.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("meetings:agenda_send", args=[meeting.pk]), {}, follow=True)
    page = response.content.decode()
    assert "Agenda sent to 2 people." in page
    assert cast.ae.email in page
    assert len(mailoutbox) == 2


def test_closing_without_conclusions_shows_a_message_and_changes_nothing(cast, meeting, as_user):
    meeting.start = in_days(-1)
    meeting.status = Meeting.Status.HELD
    meeting.save()
    response = as_user(cast.am).post(
        reverse("meetings:meeting_close", args=[meeting.pk]), follow=True
    )
    assert str(services.ERR_CONCLUSIONS_REQUIRED) in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_minutes_then_close(cast, meeting, as_user):
    meeting.start = in_days(-1)
    meeting.status = Meeting.Status.HELD
    meeting.save()
    c = as_user(cast.am)
    item = meeting.agenda_items.first()
    c.post(
        reverse("meetings:minutes_edit", args=[meeting.pk]),
        {"conclusions": "Route B", f"notes_{item.pk}": "Sales up"},
    )
    c.post(reverse("meetings:decision_add", args=[meeting.pk]), {"text": "Launch in May"})
    c.post(
        reverse("meetings:action_item_add", args=[meeting.pk]),
        {"text": "Book media", "owner": cast.media.pk, "due_date": "2030-05-01"},
    )
    c.post(reverse("meetings:meeting_close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    assert meeting.decisions.get().text == "Launch in May"
    assert ActionItem.objects.get(owner=cast.media).client == cast.client
    page = c.get(detail(meeting)).content.decode()
    assert "Route B" in page and "Sales up" in page and "Book media" in page


def test_carried_action_items_show_and_close_on_the_next_meeting(cast, as_user):
    earlier = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-5))
    item = ActionItemFactory(meeting=earlier, owner=cast.ae, text="Send the floor plans")
    nxt = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(1))
    other = MeetingFactory(client=cast.other_client, organiser=cast.outsider, start=in_days(1))
    c = as_user(cast.am)
    page = c.get(detail(nxt)).content.decode()
    assert 'id="carried-items"' in page and "Send the floor plans" in page
    assert "Send the floor plans" not in as_user(cast.outsider).get(detail(other)).content.decode()
    c = as_user(cast.am)
    c.post(reverse("meetings:action_item_done", args=[nxt.pk, item.pk]))
    item.refresh_from_db()
    assert item.done_in == nxt
    assert 'id="carried-items"' not in c.get(detail(nxt)).content.decode()


# --- presentations --------------------------------------------------------------------


def test_am_plans_a_presentation_and_the_page_flags_what_is_missing(cast, as_user):
    c = as_user(cast.am)
    response = c.post(
        reverse("meetings:presentation_create"),
        {
            "client": cast.client.pk,
            "title": "Spring launch",
            "purpose": "Present the campaign",
            "start": local(in_days(4)),
            "duration_minutes": 90,
        },
    )
    assert response.status_code == 302
    presentation = Presentation.objects.get(title="Spring launch")
    round_ = presentation.rounds.get()
    page = c.get(detail(round_.meeting)).content.decode()
    assert 'id="storyline-missing"' in page
    assert "opening remarks" in page and "closing remarks" in page
    assert 'id="rehearsal-missing"' in page

    c.post(
        reverse("meetings:storyline_edit", args=[round_.meeting.pk]),
        {
            "opening_remarks": "Thank you",
            "flow": "Problem, idea, execution",
            "closing_remarks": "Next steps",
            "presenters": [cast.am.pk, cast.cd.pk],
            "decision_makers": [cast.contact.pk],
        },
    )
    page = c.get(detail(round_.meeting)).content.decode()
    assert 'id="storyline-missing"' not in page
    assert set(round_.presenters.all()) == {cast.am, cast.cd}


def test_rehearsal_too_short_is_refused_on_the_form(cast, presentation, as_user):
    response = as_user(cast.am).post(
        reverse("meetings:rehearsal_create", args=[presentation.pk]),
        {"start": local(presentation.start - dt.timedelta(days=1)), "duration_minutes": 20},
    )
    assert response.status_code == 200
    assert str(services.ERR_REHEARSAL_TOO_SHORT) in response.content.decode()
    assert not presentation.rehearsals.exists()


def test_next_round_form_asks_for_cause_and_note_not_hours(cast, as_user):
    m, round_ = presentation_meeting(client=cast.client, organiser=cast.am, start=in_days(-1))
    c = as_user(cast.am)
    c.post(
        reverse("meetings:outcome_record", args=[m.pk]),
        {"outcome": "revise", "client_feedback": "Too dark"},
    )
    round_.refresh_from_db()
    assert round_.outcome == "revise"
    url = reverse("meetings:round_open_next", args=[m.pk])
    page = c.get(url).content.decode()
    assert 'name="hours_lost"' not in page  # the hours are booked in the timesheet
    response = c.post(url, {"start": local(in_days(3)), "duration_minutes": 60})
    assert response.status_code == 200
    assert PresentationRound.objects.count() == 1
    # a cause without its note is refused on the form
    response = c.post(
        url,
        {"failure_cause": "wrong_audience", "start": local(in_days(3)), "duration_minutes": 60},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["failure_note"]
    assert PresentationRound.objects.count() == 1
    response = c.post(
        url,
        {
            "failure_cause": "wrong_audience",
            "failure_note": "Talked to drinkers",
            "hours_lost": "8",  # ignored: no such figure any more
            "start": local(in_days(3)),
            "duration_minutes": 60,
        },
    )
    assert response.status_code == 302
    assert PresentationRound.objects.count() == 2


def test_client_page_counts_rounds_and_causes_and_leaves_hours_to_billing(cast, as_user):
    presentation = None
    for number, cause in ((1, "client_changed"), (2, "execution"), (3, "")):
        _m, round_ = presentation_meeting(
            client=cast.client,
            organiser=cast.am,
            number=number,
            presentation=presentation,
            start=in_days(-10 + number),
        )
        presentation = round_.presentation
        if cause:
            round_.outcome = "revise"
            round_.failure_cause = cause
            round_.failure_note = "why"
            round_.save()
    presentation_meeting(client=cast.other_client, organiser=cast.outsider)
    page = as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    assert 'id="client-rounds"' in page
    assert '<dd class="col-5" id="rounds-count">3</dd>' in page
    assert '<dd class="col-5" id="rounds-failed">2</dd>' in page
    # no second hours figure: the panel points at billing's "Re-presentation" hours
    assert 'id="rounds-hours"' not in page
    assert 'id="rounds-hours-note"' in page
    assert "Client changed direction: 1" in page and "Execution quality: 1" in page
    # finance sees the client's master data, not its rounds
    assert (
        'id="client-rounds"'
        not in as_user(cast.finance).get(cast.client.get_absolute_url()).content.decode()
    )


# --- calendar -------------------------------------------------------------------------


def test_ics_download_is_a_valid_calendar(cast, meeting, as_user):
    response = as_user(cast.ae).get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.start
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"


def test_feed_shows_only_the_users_own_meetings_and_needs_no_login(cast, meeting, client):
    mine_internal = MeetingFactory(client=None, kind="internal", organiser=cast.ae, title="AE sync")
    not_mine = MeetingFactory(client=cast.client, organiser=cast.am, title="AM only")
    token = services.feed_token_create(actor=cast.ae)
    url = reverse("meetings:calendar_feed", args=[token.token])
    response = client.get(url)  # anonymous: calendar programs do not log in
    assert response.status_code == 200
    summaries = {str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert summaries == {"Quarterly review", mine_internal.title}
    assert not_mine.title not in summaries


def test_revoked_or_unknown_feed_token_is_404(cast, client, as_user):
    token = services.feed_token_create(actor=cast.ae)
    url = reverse("meetings:calendar_feed", args=[token.token])
    as_user(cast.ae).post(reverse("meetings:calendar"), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(reverse("meetings:calendar_feed", args=["nope"])).status_code == 404
    assert client.get("/meetings/calendar/feed/" + "x" * 80 + ".ics").status_code == 404


def test_calendar_page_creates_a_feed_address(cast, as_user):
    c = as_user(cast.ae)
    c.post(reverse("meetings:calendar"), {"action": "create"})
    page = c.get(reverse("meetings:calendar")).content.decode()
    token = cast.ae.calendar_tokens.get(revoked_at__isnull=True).token
    assert f"/meetings/calendar/feed/{token}.ics" in page


# --- dashboard and lists --------------------------------------------------------------


def test_home_page_lists_my_meetings_of_the_next_7_days_with_what_is_missing(cast, as_user):
    m, _round = presentation_meeting(client=cast.client, organiser=cast.am, start=in_days(2))
    MeetingFactory(client=cast.client, organiser=cast.am, title="Far away", start=in_days(9))
    ActionItemFactory(
        meeting=m,
        owner=cast.am,
        text="Call the developer",
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    page = as_user(cast.am).get(reverse("home")).content.decode()
    assert m.title in page
    assert "agenda not sent" in page
    assert "opening remarks not written" in page
    assert "rehearsal not held" in page
    assert "Far away" not in page
    assert "Call the developer" in page and "Overdue" in page


def test_home_page_dates_read_like_the_rest_of_the_app(cast, as_user):
    m, _round = presentation_meeting(client=cast.client, organiser=cast.am, start=in_days(2))
    ActionItemFactory(meeting=m, owner=cast.am, text="Call the developer")
    page = as_user(cast.am).get(reverse("home")).content.decode()
    assert timezone.localtime(m.start).strftime("%Y-%m-%d %H:%M") in page
    due = timezone.localdate() + dt.timedelta(days=5)
    assert f"due {due:%Y-%m-%d}" in page


def test_dashboard_provider_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    from meetings.providers import waiting_for_me

    for i in range(6):
        m, _r = presentation_meeting(
            client=cast.client, organiser=cast.am, start=in_days(1 + i % 5)
        )
        ActionItemFactory(meeting=m, owner=cast.am)
    with django_assert_max_num_queries(3):
        sections = waiting_for_me(cast.am)
    assert len(sections[0].items) == 6 and len(sections[1].items) == 6


@pytest.mark.parametrize("rows", [3, 30])
def test_meeting_list_query_count_does_not_grow_with_rows(
    cast, as_user, django_assert_max_num_queries, rows
):
    for i in range(rows):
        MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(1 + i % 20))
    c = as_user(cast.ae)
    with django_assert_max_num_queries(12):
        response = c.get(reverse("meetings:meeting_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 15])
def test_meeting_detail_query_count_does_not_grow_with_rows(
    cast, presentation, as_user, django_assert_max_num_queries, rows
):
    from tests.factories import ContactFactory, UserFactory

    earlier = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-3))
    for _i in range(rows):
        AgendaItemFactory(meeting=presentation, owner=cast.ae)
        ActionItemFactory(meeting=presentation, owner=cast.ae)
        ActionItemFactory(meeting=earlier, owner=cast.ae)
        AttendeeFactory(meeting=presentation, user=UserFactory())
        AttendeeFactory(meeting=presentation, contact=ContactFactory(client=cast.client))
    c = as_user(cast.ae)
    with django_assert_max_num_queries(30):
        assert c.get(detail(presentation)).status_code == 200


def test_presentation_shows_its_brief_only_to_those_who_may_see_the_brief(cast, as_user):
    from tests.briefs.factories import BriefFactory

    brief = BriefFactory(client=cast.client, author=cast.am, title="Metro launch brief")
    m, round_ = presentation_meeting(client=cast.client, organiser=cast.am)
    round_.presentation.brief = brief
    round_.presentation.save()
    assert "Metro launch brief" in as_user(cast.am).get(detail(m)).content.decode()
    # a creative does not see a draft brief (strategy first), but sees the presentation
    page = as_user(cast.copywriter).get(detail(m)).content.decode()
    assert "Metro launch brief" not in page
    assert "not visible to you" in page


def test_presentation_form_refuses_a_brief_of_another_client(cast, as_user):
    from accounts.models import TeamMembership
    from tests.briefs.factories import BriefFactory

    TeamMembership.objects.create(client=cast.other_client, user=cast.am, team_role="am")
    foreign = BriefFactory(client=cast.other_client, author=cast.am)
    response = as_user(cast.am).post(
        reverse("meetings:presentation_create"),
        {
            "client": cast.client.pk,
            "title": "Mixed up",
            "brief": foreign.pk,
            "purpose": "p",
            "start": local(in_days(4)),
            "duration_minutes": 60,
        },
    )
    assert response.status_code == 200
    assert "This brief belongs to another client." in response.content.decode()
    assert not Presentation.objects.exists()


def test_supporting_material_file_is_downloaded_only_by_those_who_see_the_meeting(
    cast, presentation, as_user, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    c = as_user(cast.am)
    url = reverse("meetings:material_add", args=[presentation.pk])
    # neither a link nor a file: a form error, nothing saved
    response = c.post(url, {"kind": "music", "title": "Theme"})
    assert response.status_code == 200
    assert "Give a link or upload a file." in response.content.decode()
    upload = SimpleUploadedFile("theme.mp3", b"ID3fake-audio", content_type="audio/mpeg")
    assert c.post(url, {"kind": "music", "title": "Theme", "file": upload}).status_code == 302
    material = presentation.presentation_round.materials.get()
    download = reverse("meetings:material_download", args=[presentation.pk, material.pk])
    response = as_user(cast.copywriter).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ID3fake-audio"
    assert "attachment" in response["Content-Disposition"]
    assert as_user(cast.outsider).get(download).status_code == 404
    assert as_user(cast.finance).get(download).status_code == 404


def test_action_item_owner_must_see_the_meeting_and_outsiders_are_not_offered(
    cast, meeting, as_user, mailoutbox
):
    """The owner is emailed about the meeting: someone off the team may not be chosen."""
    c = as_user(cast.am)
    url = reverse("meetings:action_item_add", args=[meeting.pk])
    form = c.get(url).context["form"]
    assert cast.outsider not in form.fields["owner"].queryset
    assert cast.finance not in form.fields["owner"].queryset
    assert cast.copywriter in form.fields["owner"].queryset
    data = {"text": "Send the figures", "owner": cast.outsider.pk, "due_date": "2030-01-01"}
    assert c.post(url, data).status_code == 200
    assert not ActionItem.objects.exists()
    assert mailoutbox == []
    with pytest.raises(DomainError):
        services.action_item_add(
            actor=cast.am,
            meeting=meeting,
            text="x",
            owner=cast.outsider,
            due_date=timezone.localdate(),
        )
    # an attendee from outside the team sees the meeting, so may own an item
    AttendeeFactory(meeting=meeting, user=cast.outsider)
    assert c.post(url, data).status_code == 302
    assert ActionItem.objects.get().owner == cast.outsider


def test_agenda_owner_choices_are_people_who_see_the_meeting(cast, meeting, as_user):
    page = as_user(cast.am).get(reverse("meetings:agenda_edit", args=[meeting.pk]))
    owners = page.context["formset"].forms[0].fields["owner"].queryset
    assert cast.ae in owners and cast.md in owners
    assert cast.outsider not in owners
    data = {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-topic": "Outsider's topic",
        "rows-0-minutes": "5",
        "rows-0-owner": cast.outsider.pk,
    }
    as_user(cast.am).post(reverse("meetings:agenda_edit", args=[meeting.pk]), data)
    assert not AgendaItem.objects.filter(topic="Outsider's topic").exists()


def test_storyline_with_an_out_of_range_id_is_a_form_error_not_a_500(cast, as_user):
    m, round_ = presentation_meeting(client=cast.client, organiser=cast.am)
    c = as_user(cast.am)
    url = reverse("meetings:storyline_edit", args=[m.pk])
    for field in ("presenters", "decision_makers"):
        response = c.post(url, {"opening_remarks": "Hello", field: "99999999999999999999"})
        assert response.status_code == 200
        assert response.context["form"].errors[field]
    round_.refresh_from_db()
    assert round_.opening_remarks == ""


def test_a_new_agenda_row_shows_no_position_and_goes_last(cast, meeting, as_user):
    c = as_user(cast.am)
    url = reverse("meetings:agenda_edit", args=[meeting.pk])
    extra = c.get(url).context["formset"].forms[-1]
    assert extra.instance.pk is None
    assert 'name="rows-2-position"' in str(extra["position"])
    assert "value=" not in str(extra["position"])
    data = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "2",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "50",
    }
    for i, item in enumerate(meeting.agenda_items.all()):
        data |= {
            f"rows-{i}-id": item.pk,
            f"rows-{i}-position": item.position,
            f"rows-{i}-topic": item.topic,
            f"rows-{i}-minutes": item.minutes,
        }
    data |= {"rows-2-topic": "Any other business", "rows-2-minutes": "5"}
    assert c.post(url, data).status_code == 302
    assert list(meeting.agenda_items.values_list("position", "topic")) == [
        (1, "Sales figures"),
        (2, "Next campaign"),
        (3, "Any other business"),
    ]


def test_feed_lists_no_attendee_addresses_and_is_named_in_the_owners_language(
    cast, meeting, client
):
    cast.ae.language = "zh-hans"
    cast.ae.save(update_fields=["language"])
    token = services.feed_token_create(actor=cast.ae)
    response = client.get(
        reverse("meetings:calendar_feed", args=[token.token]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert "attendee" not in event
    assert cast.contact.email.encode() not in response.content
    # Issue 18: the feed (a bearer URL) carries no organiser address either.
    assert "organizer" not in event
    assert cast.am.email.encode() not in response.content
    assert str(cal["x-wr-calname"]) == f"{cast.ae.full_name} 的会议"
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert event.decoded("dtstart") == meeting.start


def test_emailed_agenda_pdf_leaves_out_the_internal_minutes(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    item = meeting.agenda_items.first()
    item.notes = "Internal: client is price sensitive"
    item.save()
    meeting.conclusions = "Internal draft conclusion"
    meeting.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(actor=cast.am, meeting=meeting)
    (pdf,) = [c for name, c, _t in mailoutbox[0].attachments if name.endswith(".pdf")]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Sales figures" in text
    assert "price sensitive" not in text
    assert "draft conclusion" not in text
    # the organiser's own download keeps them
    own = PdfReader(io.BytesIO(services.agenda_pdf(meeting)))
    own_text = "".join(p.extract_text() for p in own.pages)
    assert "price sensitive" in own_text and "draft conclusion" in own_text


def test_a_held_or_closed_meeting_no_longer_warns_that_the_agenda_was_not_sent(
    cast, meeting, as_user
):
    c = as_user(cast.am)
    assert 'id="agenda-not-sent"' in c.get(detail(meeting)).content.decode()
    meeting.status = Meeting.Status.CLOSED
    meeting.conclusions = "Done"
    meeting.save()
    assert 'id="agenda-not-sent"' not in c.get(detail(meeting)).content.decode()


def test_a_material_file_missing_from_storage_is_404_not_500(
    cast, presentation, as_user, settings, tmp_path
):
    from meetings.models import SupportingMaterial

    settings.MEDIA_ROOT = tmp_path
    material = SupportingMaterial.objects.create(
        round=presentation.presentation_round, title="Lost", file="meetings/materials/lost.mp4"
    )
    url = reverse("meetings:material_download", args=[presentation.pk, material.pk])
    assert as_user(cast.am).get(url).status_code == 404
