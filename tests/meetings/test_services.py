import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from agency.errors import DomainError
from meetings import services
from meetings.models import AgendaDispatch, Attendee, Meeting, PresentationRound
from meetings.tasks import agenda_email_send
from tests.helpers import assert_refused, unchanged

from .factories import ActionItemFactory, MeetingFactory, in_days, presentation_meeting

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _attachments(message):
    return {name: (content, mimetype) for name, content, mimetype in message.attachments}


# --- sending the agenda ---------------------------------------------------------------


def test_agenda_send_emails_each_agency_attendee_the_agenda_with_pdf_and_ics(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = services.agenda_send(actor=cast.am, meeting=meeting)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.am.email, cast.ae.email])
    message = next(m for m in mailoutbox if m.to == [cast.ae.email])
    assert (
        message.subject
        == f"Agenda: Quarterly review ({timezone.localtime(meeting.start):%Y-%m-%d %H:%M})"
    )
    # the purpose and the ordered items with their minutes, in text and HTML
    assert "Agree the campaign direction" in message.body
    assert message.body.index("1. Sales figures — 20 min") < message.body.index(
        "2. Next campaign — 30 min"
    )
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "Agree the campaign direction" in html
    assert html.index("<strong>Sales figures</strong> — 20 min") < html.index(
        "<strong>Next campaign</strong> — 30 min"
    )
    files = _attachments(message)
    pdf, pdf_type = files[f"agenda-{meeting.pk}.pdf"]
    assert pdf_type == "application/pdf"
    assert pdf.startswith(b"%PDF")
    ics, ics_type = files[f"meeting-{meeting.pk}.ics"]
    assert ics_type.startswith("text/calendar")

    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == meeting.start
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("dtend") == meeting.start + dt.timedelta(minutes=60)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    attendees = {str(a) for a in event.get("attendee")}
    assert attendees == {
        f"mailto:{cast.am.email}",
        f"mailto:{cast.ae.email}",
        f"mailto:{cast.contact.email}",
    }
    assert event["summary"] == "Quarterly review"

    # recorded when and to whom
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at == dispatch.sent_at
    assert {r["email"] for r in dispatch.recipients} == {cast.am.email, cast.ae.email}
    contact_row = Attendee.objects.get(meeting=meeting, contact=cast.contact)
    assert contact_row.agenda_sent_at is None
    assert Attendee.objects.get(meeting=meeting, user=cast.ae).agenda_sent_at == dispatch.sent_at


def test_agenda_send_includes_client_contacts_only_when_chosen(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(actor=cast.am, meeting=meeting, include_contacts=True)
    assert cast.contact.email in [m.to[0] for m in mailoutbox]
    assert len(mailoutbox) == 3


def test_agenda_email_task_is_idempotent(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = services.agenda_send(actor=cast.am, meeting=meeting)
    assert len(mailoutbox) == 2
    assert agenda_email_send(meeting.pk, dispatch.pk) == 0
    assert len(mailoutbox) == 2
    assert AgendaDispatch.objects.get(pk=dispatch.pk).emailed_at is not None


def test_a_failed_delivery_rolls_back_its_claim_and_records_the_attempt(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """The service's half: no claim left behind, the attempt recorded, the error
    re-raised for the task. The task's retry itself is proved in
    test_agenda_delivery.py (Retry scheduled with a countdown, then sent once)."""
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("smtp down")

    with monkeypatch.context() as m:
        m.setattr(EmailBackend, "send_messages", refuse)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            dispatch = services.agenda_send(actor=cast.am, meeting=meeting)
        with pytest.raises(ConnectionRefusedError):
            services.agenda_dispatch_deliver(meeting_id=meeting.pk, dispatch_id=dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.emailed_at is None
    assert (dispatch.status, dispatch.attempts) == ("failed", 1)
    assert "smtp down" in dispatch.error
    assert mailoutbox == []
    assert callbacks  # the task was queued on commit


def test_agenda_send_refuses_without_agenda_items(cast, meeting, mailoutbox):
    meeting.agenda_items.all().delete()
    with pytest.raises(DomainError) as e:
        services.agenda_send(actor=cast.am, meeting=meeting)
    assert e.value.message == services.ERR_NO_AGENDA
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is None
    assert not AgendaDispatch.objects.exists()


def test_agenda_send_refuses_a_creative_on_the_team(cast, meeting, mailoutbox):
    with pytest.raises(PermissionDenied):
        services.agenda_send(actor=cast.copywriter, meeting=meeting)
    assert not AgendaDispatch.objects.exists()


def test_agenda_pdf_renders_chinese_text_with_the_cjk_font(cast, meeting):
    import io

    from pypdf import PdfReader

    meeting.purpose = "确定年度传播方向"
    meeting.save()
    pdf = services.agenda_pdf(meeting)
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "确定年度传播方向" in text
    fonts = {
        str(f.get_object().get("/BaseFont"))
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("Agency-Sans-SC" in f for f in fonts)


def test_agenda_pdf_embeds_a_single_face_of_the_cjk_font(cast, meeting):
    """Each embedded CJK face costs ~0.2 s of subsetting and ~85 KB: the agenda uses one."""
    import io

    from pypdf import PdfReader

    meeting.title = "二期开盘策略沟通会"
    meeting.conclusions = "二期十月开盘"
    meeting.save()
    reader = PdfReader(io.BytesIO(services.agenda_pdf(meeting)))
    fonts = {
        str(f.get_object().get("/BaseFont"))
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert len(fonts) == 1, fonts
    assert "Bold" not in next(iter(fonts))


# --- minutes and closing ---------------------------------------------------------------


def test_meeting_cannot_be_closed_without_conclusions(cast, meeting):
    meeting.start = in_days(-1)
    meeting.save()
    services.meeting_mark_held(actor=cast.am, meeting=meeting)
    with pytest.raises(DomainError) as e:
        services.meeting_close(actor=cast.am, meeting=meeting)
    assert e.value.message == services.ERR_CONCLUSIONS_REQUIRED
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    item = meeting.agenda_items.first()
    services.meeting_minutes_save(
        actor=cast.am, meeting=meeting, conclusions="Go with route B.", notes={item.pk: "Up 12%"}
    )
    services.meeting_close(actor=cast.am, meeting=meeting)
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    assert item.notes == "Up 12%"


def test_meeting_cannot_be_marked_held_before_it_starts(cast, meeting):
    with pytest.raises(DomainError) as e:
        services.meeting_mark_held(actor=cast.am, meeting=meeting)
    assert e.value.message == services.ERR_NOT_STARTED


def test_closed_meeting_refuses_more_minutes(cast, meeting):
    meeting.start = in_days(-1)
    meeting.status = Meeting.Status.CLOSED
    meeting.conclusions = "Done"
    meeting.save()
    with pytest.raises(DomainError):
        services.decision_add(actor=cast.am, meeting=meeting, text="Late decision")
    assert not meeting.decisions.exists()


# --- action items carried over ---------------------------------------------------------


def test_open_action_items_carry_to_the_next_meeting_of_the_same_client_only(cast):
    from meetings.selectors import meeting_detail_data

    earlier = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-7))
    open_item = ActionItemFactory(meeting=earlier, owner=cast.ae, text="Send the price list")
    ActionItemFactory(meeting=earlier, owner=cast.ae, done_at=timezone.now(), text="Done one")
    other = MeetingFactory(client=cast.other_client, organiser=cast.outsider, start=in_days(-7))
    ActionItemFactory(meeting=other, owner=cast.outsider, text="Other client's item")

    nxt = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(2))
    other_next = MeetingFactory(client=cast.other_client, organiser=cast.outsider, start=in_days(2))

    assert [a.text for a in meeting_detail_data(nxt)["carried_items"]] == ["Send the price list"]
    assert [a.text for a in meeting_detail_data(other_next)["carried_items"]] == [
        "Other client's item"
    ]

    services.action_item_done(actor=cast.am, item=open_item, on_meeting=nxt)
    open_item.refresh_from_db()
    assert open_item.done_in == nxt
    assert open_item.done_by == cast.am
    assert meeting_detail_data(nxt)["carried_items"] == []


def test_action_item_cannot_be_closed_on_another_clients_meeting(cast):
    earlier = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-7))
    item = ActionItemFactory(meeting=earlier, owner=cast.ae)
    foreign = MeetingFactory(client=cast.other_client, organiser=cast.outsider)
    with pytest.raises(DomainError):
        services.action_item_done(actor=cast.outsider, item=item, on_meeting=foreign)
    item.refresh_from_db()
    assert item.done_at is None


def test_action_item_owner_may_close_it_but_another_member_may_not(cast):
    m = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-1))
    item = ActionItemFactory(meeting=m, owner=cast.copywriter)
    with pytest.raises(PermissionDenied):
        services.action_item_done(actor=cast.planner, item=item)
    services.action_item_done(actor=cast.copywriter, item=item)
    item.refresh_from_db()
    assert item.done_at is not None
    with pytest.raises(DomainError):
        services.action_item_done(actor=cast.copywriter, item=item)


# --- rehearsals -----------------------------------------------------------------------


def test_rehearsal_shorter_than_30_minutes_is_refused(cast, presentation):
    with pytest.raises(DomainError) as e:
        services.rehearsal_create(
            actor=cast.am,
            presentation=presentation,
            data={"start": presentation.start - dt.timedelta(days=1), "duration_minutes": 29},
        )
    assert e.value.message == services.ERR_REHEARSAL_TOO_SHORT
    assert not Meeting.objects.filter(kind=Meeting.Kind.REHEARSAL).exists()


def test_rehearsal_after_the_presentation_is_refused(cast, presentation):
    for start in (
        presentation.start + dt.timedelta(hours=1),
        presentation.start - dt.timedelta(minutes=20),
    ):
        with pytest.raises(DomainError) as e:
            services.rehearsal_create(
                actor=cast.am,
                presentation=presentation,
                data={"start": start, "duration_minutes": 30},
            )
        assert e.value.message == services.ERR_REHEARSAL_AFTER
    assert not Meeting.objects.filter(kind=Meeting.Kind.REHEARSAL).exists()


def test_rehearsal_of_30_minutes_before_the_presentation_is_planned_and_can_be_held(
    cast, presentation
):
    rehearsal = services.rehearsal_create(
        actor=cast.am,
        presentation=presentation,
        data={"start": presentation.start - dt.timedelta(minutes=30), "duration_minutes": 30},
    )
    assert rehearsal.rehearsal_for == presentation
    assert rehearsal.kind == Meeting.Kind.REHEARSAL
    assert rehearsal.attendees.filter(user=cast.am).exists()
    # moving it after the presentation is refused too
    with pytest.raises(DomainError):
        services.meeting_update(
            actor=cast.am, meeting=rehearsal, data={"start": presentation.start}
        )


# --- outcome and rounds ---------------------------------------------------------------


def _presented(cast, **kw):
    m, round_ = presentation_meeting(client=cast.client, organiser=cast.am, start=in_days(-1), **kw)
    return m, round_


def test_outcome_before_the_presentation_is_refused(cast, presentation):
    round_ = presentation.presentation_round
    with pytest.raises(DomainError) as e:
        services.round_outcome_record(
            actor=cast.am, round=round_, outcome="accepted", client_feedback=""
        )
    assert e.value.message == services.ERR_OUTCOME_BEFORE


def test_outcome_revise_requires_client_feedback(cast):
    _m, round_ = _presented(cast)
    with pytest.raises(DomainError) as e:
        services.round_outcome_record(
            actor=cast.am, round=round_, outcome="revise", client_feedback=" "
        )
    assert e.value.message == services.ERR_OUTCOME_FEEDBACK
    round_.refresh_from_db()
    assert round_.outcome == PresentationRound.Outcome.PENDING


@pytest.mark.parametrize(
    ("cause", "note", "error"),
    [
        ("", "Too dark", services.ERR_ROUND_CAUSE_REQUIRED),
        ("nonsense", "Too dark", services.ERR_ROUND_CAUSE_REQUIRED),
        ("client_changed", "", services.ERR_ROUND_NOTE_REQUIRED),
        ("client_changed", "   ", services.ERR_ROUND_NOTE_REQUIRED),
        ("other", "", services.ERR_ROUND_NOTE_REQUIRED),
    ],
)
def test_new_round_without_cause_or_note_is_refused(cast, cause, note, error):
    _m, round_ = _presented(cast)
    services.round_outcome_record(
        actor=cast.am, round=round_, outcome="revise", client_feedback="Too dark"
    )
    with unchanged(round_, round_.presentation):
        assert_refused(
            services.round_open_next,
            error,
            actor=cast.am,
            round=round_,
            failure_cause=cause,
            failure_note=note,
            start=in_days(3),
            duration_minutes=60,
        )
    assert round_.presentation.rounds.count() == 1


def test_a_round_keeps_no_hours_figure_of_its_own():
    """One definition of re-presentation hours: billing's time entries of activity
    "Re-presentation" (an entry may name its round); a round has no hours field."""
    names = {f.name for f in PresentationRound._meta.get_fields()}
    assert "hours_lost" not in names
    assert "time_entries" in names  # billing's TimeEntry.presentation_round


def test_new_round_records_the_cause_and_note_and_opens_round_two(cast):
    _m, round_ = _presented(cast)
    round_.opening_remarks = "Hello"
    round_.save()
    round_.presenters.add(cast.am, cast.cd)
    services.round_outcome_record(
        actor=cast.am, round=round_, outcome="revise", client_feedback="Too dark"
    )
    new = services.round_open_next(
        actor=cast.am,
        round=round_,
        failure_cause="client_changed",
        failure_note="New CMO",
        start=in_days(3),
        duration_minutes=90,
        location="Client HQ",
    )
    round_.refresh_from_db()
    assert (round_.failure_cause, round_.failure_note) == ("client_changed", "New CMO")
    assert new.number == 2
    assert new.meeting.kind == Meeting.Kind.PRESENTATION
    assert new.meeting.duration_minutes == 90
    assert new.opening_remarks == "Hello"
    assert set(new.presenters.all()) == {cast.am, cast.cd}
    # a second "next round" is refused
    with pytest.raises(DomainError):
        services.round_open_next(
            actor=cast.am,
            round=round_,
            failure_cause="execution",
            failure_note="Again",
            start=in_days(4),
            duration_minutes=60,
        )


def test_new_round_is_refused_unless_the_client_asked_to_revise(cast):
    _m, round_ = _presented(cast)
    services.round_outcome_record(
        actor=cast.am, round=round_, outcome="accepted", client_feedback=""
    )
    with pytest.raises(DomainError) as e:
        services.round_open_next(
            actor=cast.am,
            round=round_,
            failure_cause="execution",
            failure_note="Off brief",
            start=in_days(3),
            duration_minutes=60,
        )
    assert e.value.message == services.ERR_ROUND_NOT_REVISE
    round_.presentation.refresh_from_db()
    assert round_.presentation.status == "accepted"


# --- calendar feed tokens -----------------------------------------------------------------


def test_feed_token_create_revokes_the_previous_one(cast):
    first = services.feed_token_create(actor=cast.am)
    second = services.feed_token_create(actor=cast.am)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert first.token != second.token
    assert len(second.token) >= 40


def test_meeting_create_refuses_a_client_the_user_is_not_on(cast):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=cast.outsider,
            data={
                "client": cast.client,
                "kind": "client",
                "title": "x",
                "purpose": "y",
                "start": in_days(1),
                "duration_minutes": 30,
            },
        )
    assert not Meeting.objects.exists()


def test_agenda_email_is_written_in_each_recipients_language(
    cast, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    cast.ae.language = "zh-hans"
    cast.ae.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(actor=cast.am, meeting=meeting)
    chinese = next(m for m in mailoutbox if m.to == [cast.ae.email])
    english = next(m for m in mailoutbox if m.to == [cast.am.email])
    assert chinese.subject.startswith("会议议程:Quarterly review")
    assert "会议目的" in chinese.body and "会议目的" in chinese.alternatives[0][0]
    assert english.subject.startswith("Agenda: Quarterly review")


def test_presentation_cannot_move_before_its_rehearsal(cast, presentation):
    rehearsal = services.rehearsal_create(
        actor=cast.am,
        presentation=presentation,
        data={"start": presentation.start - dt.timedelta(days=1), "duration_minutes": 60},
    )
    with pytest.raises(DomainError) as e:
        services.meeting_update(
            actor=cast.am,
            meeting=presentation,
            data={"start": rehearsal.start + dt.timedelta(minutes=30)},
        )
    assert e.value.message == services.ERR_PRESENTATION_BEFORE_REHEARSAL
    start = presentation.start
    presentation.refresh_from_db()
    assert presentation.start == start


def test_rehearsal_held_is_what_reminders_read(cast, presentation):
    from meetings.selectors import presentation_rehearsal_held

    with time_machine.travel(presentation.start - dt.timedelta(hours=20)):
        rehearsal = services.rehearsal_create(
            actor=cast.am,
            presentation=presentation,
            data={"start": timezone.now() - dt.timedelta(hours=1), "duration_minutes": 45},
        )
        assert not presentation_rehearsal_held(presentation)
        services.meeting_mark_held(actor=cast.am, meeting=rehearsal)
    assert presentation_rehearsal_held(presentation)
