"""The admin cannot move a meeting through its workflow; an upload whose
transaction rolls back leaves no file (issue 10, "Nothing lost, nothing rewritten")."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaDispatch, Meeting, SupportingMaterial
from tests.factories import UserFactory

from .factories import presentation_meeting


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))
    return client


def test_admin_shows_status_and_stamps_read_only_and_ignores_them_when_posted(
    admin_client, meeting
):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("status", "held_at", "closed_at", "agenda_sent_at"):
        assert name not in form.fields, name  # shown, not editable
    start = timezone.localtime(meeting.start)
    data = {
        "client": meeting.client_id,
        "kind": meeting.kind,
        "title": "Typo fixed",
        "purpose": meeting.purpose,
        "start_0": start.strftime("%Y-%m-%d"),
        "start_1": start.strftime("%H:%M:%S"),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "organiser": meeting.organiser_id,
        "conclusions": "",
        # what a hand-made POST would try: jump the workflow
        "status": Meeting.Status.HELD,
        "held_at_0": "2026-01-01",
        "held_at_1": "10:00:00",
        "agenda_sent_at_0": "2026-01-01",
        "agenda_sent_at_1": "09:00:00",
    }
    for prefix in ("attendees", "agenda_items", "room_items"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    response = admin_client.post(url, data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    meeting.refresh_from_db()
    assert meeting.title == "Typo fixed"  # a typo may be corrected
    assert meeting.status == Meeting.Status.PLANNED
    assert (meeting.held_at, meeting.closed_at, meeting.agenda_sent_at) == (None, None, None)


def test_admin_does_not_plan_meetings_or_presentations_around_the_workflow(admin_client):
    assert admin_client.get(reverse("admin:meetings_meeting_add")).status_code == 403
    assert admin_client.get(reverse("admin:meetings_presentation_add")).status_code == 403


def test_admin_shows_agenda_sendings_read_only(admin_client, cast, meeting):
    dispatch = AgendaDispatch.objects.create(
        meeting=meeting, sent_at=timezone.now(), sent_by=cast.am, recipients=[]
    )
    assert admin_client.get(reverse("admin:meetings_agendadispatch_add")).status_code == 403
    page = admin_client.get(reverse("admin:meetings_agendadispatch_change", args=[dispatch.pk]))
    assert not page.context["adminform"].form.fields  # every field read-only


def test_a_rolled_back_material_upload_leaves_no_file(cast, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    _m, round_ = presentation_meeting(client=cast.client, organiser=cast.am)

    def fail_after_the_save(**kwargs):
        raise RuntimeError("lost the race after the file was stored")

    monkeypatch.setattr(services, "timeline_record", fail_after_the_save)
    upload = SimpleUploadedFile("film.mp4", b"\x00\x00\x00\x18ftypmp42 fake film")
    with pytest.raises(RuntimeError, match="lost the race"):
        services.material_add(
            actor=cast.am, round=round_, data={"kind": "film", "title": "Ref", "file": upload}
        )
    assert not SupportingMaterial.objects.exists()
    assert [files for _dir, _dirs, files in os.walk(tmp_path) if files] == []


def test_a_committed_material_upload_keeps_its_file(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _m, round_ = presentation_meeting(client=cast.client, organiser=cast.am)
    upload = SimpleUploadedFile("film.mp4", b"\x00\x00\x00\x18ftypmp42 fake film")
    material = services.material_add(
        actor=cast.am, round=round_, data={"kind": "film", "title": "Ref", "file": upload}
    )
    assert os.path.exists(material.file.path)
