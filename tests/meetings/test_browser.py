"""The issue's end-to-end flow, in Chromium: an AM plans a presentation with a
rehearsal, writes the opening and closing remarks, sends the agenda, records
the outcome "revise" and opens round 2 with its cause."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from meetings.models import Meeting, PresentationRound

pytestmark = pytest.mark.browser


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_am_plans_rehearses_presents_and_opens_round_two(cast, browser_page):
    page = browser_page
    start = (timezone.localtime() + dt.timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    page.login(cast.am)

    # plan the presentation
    page.goto(page.base + "/meetings/")
    page.click("text=New presentation")
    page.select_option("#id_client", str(cast.client.pk))
    page.fill("#id_title", "Spring launch")
    page.fill("#id_purpose", "Present the spring launch campaign")
    page.fill("#id_start", _local(start))
    page.fill("#id_duration_minutes", "90")
    page.fill("#id_location", "Client HQ")
    page.click("form[data-meetings-form] button[type=submit]")
    page.wait_for_selector("#presentation")
    meeting = Meeting.objects.get(title="Spring launch")
    assert "opening remarks" in page.inner_text("#storyline-missing")
    page.shot("presentation-planned-en")

    # write the opening and closing remarks
    page.click("#edit-storyline")
    page.fill("#id_opening_remarks", "Thank you for your time, Mr Chen.")
    page.fill("#id_flow", "Problem, idea, three executions")
    page.fill("#id_closing_remarks", "We propose to shoot in March.")
    page.check(f"input[name=presenters][value='{cast.cd.pk}']")
    page.check(f"input[name=decision_makers][value='{cast.contact.pk}']")
    page.click("form[data-meetings-form] button[type=submit]")
    page.wait_for_selector("#opening-remarks")
    assert "Thank you for your time" in page.inner_text("#opening-remarks")
    assert page.query_selector("#storyline-missing") is None

    # the agenda: two topics, the second added with the formset button
    page.click("#agenda >> text=Edit agenda")
    page.fill("#id_rows-0-topic", "Opening")
    page.fill("#id_rows-0-minutes", "10")
    page.click("[data-formset-add=rows]")
    page.fill("#id_rows-1-topic", "The creative work")
    page.fill("#id_rows-1-minutes", "60")
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("#agenda .agenda-item")
    assert page.locator("#agenda .agenda-item").count() == 2

    # the client's decision maker attends
    page.click("#attendees >> text=Add attendee")
    page.select_option("#id_contact", str(cast.contact.pk))
    page.click("form[data-meetings-form] button[type=submit]")
    page.wait_for_selector("#attendees")
    assert "陈总" in page.inner_text("#attendees")

    # a rehearsal: 20 minutes is refused, 45 minutes the day before is planned
    page.click("#plan-rehearsal")
    page.fill("#id_start", _local(start - dt.timedelta(hours=20)))
    page.fill("#id_duration_minutes", "20")
    page.click("form[data-meetings-form] button[type=submit]")
    assert "at least 30 minutes" in page.inner_text("main")
    page.fill("#id_duration_minutes", "45")
    page.click("form[data-meetings-form] button[type=submit]")
    page.wait_for_selector("text=Rehearsal for")
    rehearsal = Meeting.objects.get(kind=Meeting.Kind.REHEARSAL)
    assert rehearsal.rehearsal_for == meeting
    page.goto(page.base + meeting.get_absolute_url())

    # send the agenda, to the client contact too
    page.click("#send-agenda")
    page.check("#id_include_contacts")
    page.click("#confirm-send")
    page.wait_for_selector("#agenda-sent")
    assert "Agenda sent to 2 people." in page.inner_text("main")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.am.email, cast.contact.email])
    assert {a[0] for a in mail.outbox[0].attachments} == {
        f"agenda-{meeting.pk}.pdf",
        f"meeting-{meeting.pk}.ics",
    }
    page.shot("presentation-agenda-sent-en")

    # two days later: the rehearsal was held, the client asked to revise
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=True):
        page.goto(page.base + rehearsal.get_absolute_url())
        page.click("#mark-held")
        page.wait_for_selector("text=Marked as held.")
        page.goto(page.base + meeting.get_absolute_url())
        assert page.query_selector("#rehearsal-missing") is None

        page.click("#record-outcome")
        page.check("input[name=outcome][value=revise]")
        page.fill("#id_client_feedback", "Mr Chen wants the commute told from the metro.")
        page.click("form[data-meetings-form] button[type=submit]")
        page.wait_for_selector("#open-next-round")
        assert "Revise" in page.inner_text("#round-outcome")

        # round 2 without a cause is refused; with cause and note it opens
        page.click("#open-next-round")
        page.fill("#id_start", _local(start + dt.timedelta(days=7)))
        page.click("form[data-meetings-form] button[type=submit]")
        assert page.query_selector("#id_failure_cause.is-invalid") is not None
        assert PresentationRound.objects.count() == 1
        page.select_option("#id_failure_cause", "client_changed")
        page.fill("#id_failure_note", "The new CMO prefers the metro angle.")
        page.click("form[data-meetings-form] button[type=submit]")
        page.wait_for_selector("text=Round 2 opened.")
        assert "round 2" in page.inner_text("h1")
        assert "Client changed direction" in page.inner_text("#rounds")
        page.shot("presentation-round-2-en")

        first = PresentationRound.objects.get(number=1)
        assert first.failure_cause == "client_changed"
        assert first.failure_note == "The new CMO prefers the metro angle."

        # the same page in Chinese
        page.click("button[data-lang=zh-hans]")
        page.wait_for_selector("html[lang=zh-hans]")
        assert "提案" in page.inner_text("#presentation .card-header")
        page.shot("presentation-round-2-zh")
        page.goto(page.base + cast.client.get_absolute_url())
        page.wait_for_selector("#client-rounds")
        page.shot("client-rounds-zh")
        page.goto(page.base + "/")
        page.shot("home-zh")
        page.goto(page.base + "/meetings/?when=upcoming")
        page.shot("meeting-list-zh")
