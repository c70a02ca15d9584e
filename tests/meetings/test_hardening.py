"""Issue 18 (Medium/Low) for meetings: ranged dates, extreme stored values,
the feed (NUL token, no organiser address), carried action items, uploads."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from agency.dates import ERR_DATE_OUT_OF_RANGE
from meetings import services
from meetings.forms import MeetingCreateForm
from meetings.models import Meeting
from tests.helpers import assert_refused, unchanged

from .factories import ActionItemFactory, AttendeeFactory, MeetingFactory, in_days

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _form_data(cast, start: str) -> dict:
    return {
        "client": cast.client.pk,
        "kind": "client",
        "title": "Edge",
        "purpose": "x",
        "start": start,
        "duration_minutes": 60,
        "location": "HQ",
    }


@pytest.mark.parametrize("start", ["0001-01-01T00:00", "9999-12-31T23:30", "1999-12-31T10:00"])
def test_a_meeting_outside_the_date_range_is_a_form_error(cast, as_user, start):
    response = as_user(cast.am).post(reverse("meetings:meeting_create"), _form_data(cast, start))
    assert response.status_code == 200
    assert "Enter a date between the years 2000 and 2100." in response.content.decode()
    assert not Meeting.objects.filter(title="Edge").exists()


def test_the_range_check_sits_on_the_form_itself(cast):
    form = MeetingCreateForm(data=_form_data(cast, "9999-12-31T23:30"), user=cast.am)
    assert not form.is_valid()
    assert form.errors["start"][0].startswith("Enter a date between the years")


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(1, 1, 1, 12, 0, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 30, tzinfo=SHANGHAI),
    ],
)
def test_services_refuse_a_start_outside_the_range(cast, meeting, start):
    count = Meeting.objects.count()
    data = {"client": cast.client, "kind": "client", "title": "Edge", "purpose": "", "start": start}
    data |= {"duration_minutes": 60, "location": ""}
    assert_refused(services.meeting_create, ERR_DATE_OUT_OF_RANGE, actor=cast.am, data=data)
    assert Meeting.objects.count() == count
    with unchanged(meeting):
        assert_refused(
            services.meeting_update,
            ERR_DATE_OUT_OF_RANGE,
            actor=cast.am,
            meeting=meeting,
            data={"start": start},
        )


def test_an_action_item_due_in_year_9999_is_refused(cast, meeting):
    assert_refused(
        services.action_item_add,
        ERR_DATE_OUT_OF_RANGE,
        actor=cast.am,
        meeting=meeting,
        text="x",
        owner=cast.am,
        due_date=dt.date(9999, 12, 31),
    )
    assert not meeting.action_items.exists()


def test_extreme_stored_values_never_500(cast, meeting, as_user):
    """Rows written before the range existed (or directly): pages, .ics, PDF
    and the feed still answer."""
    early = MeetingFactory(
        client=cast.client, organiser=cast.am, start=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC)
    )
    AttendeeFactory(meeting=early, user=cast.am)
    Meeting.objects.filter(pk=meeting.pk).update(
        start=dt.datetime(9999, 12, 31, 23, 30, tzinfo=SHANGHAI)
    )
    c = as_user(cast.am)
    for m in (meeting, early):
        assert c.get(reverse("meetings:meeting_detail", args=[m.pk])).status_code == 200
        ics = c.get(reverse("meetings:meeting_ics", args=[m.pk]))
        assert ics.status_code == 200
        Calendar.from_ical(ics.content)
        assert c.get(reverse("meetings:agenda_pdf", args=[m.pk])).status_code == 200
    assert c.get(reverse("meetings:meeting_list")).status_code == 200
    assert c.get(reverse("meetings:meeting_list") + "?when=past").status_code == 200
    token = services.feed_token_create(actor=cast.am)
    c.logout()
    feed = c.get(reverse("meetings:calendar_feed", args=[token.token]))
    assert feed.status_code == 200


def test_a_nul_feed_token_is_404_not_500(client):
    assert client.get("/meetings/calendar/feed/%00.ics").status_code == 404
    assert client.get("/meetings/calendar/feed/a%00b.ics").status_code == 404


def test_the_feed_carries_no_organiser_address(cast, meeting, client):
    cast.am.email = "am-secret@example.com"
    cast.am.save()
    token = services.feed_token_create(actor=cast.am)
    body = client.get(reverse("meetings:calendar_feed", args=[token.token])).content
    assert b"am-secret@example.com" not in body
    assert b"ORGANIZER" not in body
    assert b"Quarterly review" in body


def test_carried_action_items_are_shown_to_the_team_only(cast, meeting, as_user):
    earlier = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-7))
    ActionItemFactory(
        meeting=earlier, text="Send the secret price list", owner=cast.am, due_date=in_days(1)
    )
    guest = cast.outsider  # not on cast.client's team
    AttendeeFactory(meeting=meeting, user=guest)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    team_page = as_user(cast.ae).get(url)
    assert "Send the secret price list" in team_page.content.decode()
    guest_page = as_user(guest).get(url)
    assert guest_page.status_code == 200
    assert "Send the secret price list" not in guest_page.content.decode()


def _png(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("1", size, 1).save(buf, format="PNG")  # 1-bit: a big size stays cheap
    return buf.getvalue()


def test_a_material_is_stored_and_served_under_its_detected_type(
    cast, presentation, as_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    c = as_user(cast.am)
    url = reverse("meetings:material_add", args=[presentation.pk])
    upload = SimpleUploadedFile("poly2.html", _png() + b"<script>x</script>", "text/html")
    assert c.post(url, {"kind": "other", "title": "Poly", "file": upload}).status_code == 302
    material = presentation.presentation_round.materials.get()
    assert material.file.name.endswith(".png")
    assert ".html" not in material.file.name
    response = c.get(reverse("meetings:material_download", args=[presentation.pk, material.pk]))
    assert 'filename="poly2.png"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_old_material_row_keeps_no_dangerous_name_on_download(
    cast, presentation, as_user, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from meetings.models import SupportingMaterial

    settings.MEDIA_ROOT = tmp_path
    material = SupportingMaterial(round=presentation.presentation_round, kind="other", title="Old")
    material.file.save("poly2.html", ContentFile(_png()), save=True)
    response = as_user(cast.am).get(
        reverse("meetings:material_download", args=[presentation.pk, material.pk])
    )
    assert 'filename="poly2.png"' in response["Content-Disposition"]


def test_a_pixel_bomb_material_is_refused(cast, presentation, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("meetings:material_add", args=[presentation.pk])
    upload = SimpleUploadedFile("bomb.png", _png((8000, 7000)), "image/png")  # 56 MP
    response = as_user(cast.am).post(url, {"kind": "other", "title": "Bomb", "file": upload})
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()
    assert not presentation.presentation_round.materials.exists()


def test_a_meeting_is_still_created_in_range(cast, as_user):
    start = timezone.localtime(in_days(2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(cast.am).post(reverse("meetings:meeting_create"), _form_data(cast, start))
    assert response.status_code == 302
    assert Meeting.objects.filter(title="Edge").exists()


def test_rows_the_database_holds_but_python_cannot_read_as_edge_values(cast, as_user):
    """A start in 1 BC (year 1 in Asia/Shanghai) or after 9999, written before
    the range existed: the lists, the page and the .ics still answer."""
    from django.db import connection

    bc = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(-3))
    late = MeetingFactory(client=cast.client, organiser=cast.am, start=in_days(3))
    for m in (bc, late):
        AttendeeFactory(meeting=m, user=cast.am)
    item = ActionItemFactory(meeting=bc, text="Old", owner=cast.am, due_date=in_days(1))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_meeting SET start = '0001-01-01 00:00+08' WHERE id = %s", [bc.pk]
        )
        cursor.execute(
            "UPDATE meetings_meeting SET start = '20000-01-01 00:00+00' WHERE id = %s", [late.pk]
        )
        cursor.execute(
            "UPDATE meetings_actionitem SET due_date = '0001-01-01 BC' WHERE id = %s", [item.pk]
        )
    c = as_user(cast.am)
    assert c.get(reverse("meetings:meeting_list") + "?when=past").status_code == 200
    assert c.get(reverse("meetings:meeting_list")).status_code == 200
    for m in (bc, late):
        assert c.get(reverse("meetings:meeting_detail", args=[m.pk])).status_code == 200
        assert c.get(reverse("meetings:meeting_ics", args=[m.pk])).status_code == 200
    bc.refresh_from_db()
    late.refresh_from_db()
    assert bc.start.year == 1 and late.start.year == 9999
