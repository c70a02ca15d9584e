"""Sessions: a user sees theirs and ends the others; deactivation ends all of
them and revokes the user's API tokens."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import user_sessions
from accounts.models import UserSession
from api.models import ApiToken
from api.services import TOKEN_REVOKED, token_create
from tests.helpers import assert_refused


def _browser(user):
    c = Client()
    c.force_login(user)
    return c


def test_login_records_the_session_and_the_page_lists_it(cast):
    first, second = _browser(cast.am), _browser(cast.am)
    _browser(cast.ae)
    assert UserSession.objects.filter(user=cast.am).count() == 2
    page = first.get(reverse("session_list"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    assert page.context["current"] == first.session.session_key
    assert second.get(reverse("accounts:client_list")).status_code == 200


def test_ending_the_others_logs_them_out_and_keeps_this_one(cast):
    first, second = _browser(cast.am), _browser(cast.am)
    other_person = _browser(cast.ae)
    response = first.post(reverse("sessions_end_others"))
    assert response.status_code == 302
    assert second.get(reverse("accounts:client_list"))["Location"].startswith("/login/")
    assert first.get(reverse("accounts:client_list")).status_code == 200
    assert other_person.get(reverse("accounts:client_list")).status_code == 200


def test_ending_one_session(cast):
    first, second = _browser(cast.am), _browser(cast.am)
    row = UserSession.objects.get(session_key=second.session.session_key)
    first.post(reverse("session_end", args=[row.pk]))
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert second.get(reverse("accounts:client_list")).status_code == 302


def test_one_cannot_end_anothers_session_or_ones_own_current(cast):
    mine = _browser(cast.am)
    theirs = _browser(cast.ae)
    row = UserSession.objects.get(session_key=theirs.session.session_key)
    assert mine.post(reverse("session_end", args=[row.pk])).status_code == 404
    assert theirs.get(reverse("accounts:client_list")).status_code == 200
    current = UserSession.objects.get(session_key=mine.session.session_key)
    assert_refused(
        user_sessions.session_end,
        user_sessions.ERR_CURRENT_SESSION,
        actor=cast.am,
        user_session=current,
        current_key=mine.session.session_key,
    )
    assert Session.objects.filter(session_key=current.session_key).exists()


def test_logout_forgets_the_session(cast):
    c = _browser(cast.am)
    c.post(reverse("logout"))
    assert not UserSession.objects.filter(user=cast.am).exists()


def test_deactivating_ends_sessions_and_revokes_tokens(cast):
    c = _browser(cast.am)
    token, raw = token_create(actor=cast.am, name="script", scope="read")
    other, _raw = token_create(actor=cast.ae, name="theirs", scope="read")
    cast.am.is_active = False
    cast.am.save()
    assert c.get(reverse("accounts:client_list"))["Location"].startswith("/login/")
    assert not UserSession.objects.filter(user=cast.am).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    other.refresh_from_db()
    assert other.revoked_at is None
    from agency.timeline import timeline_for

    assert [e.action for e in timeline_for(token)] == ["token_created", TOKEN_REVOKED]


def test_deactivating_in_the_admin_ends_sessions_and_tokens(cast):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True, role="admin")
    c = _browser(cast.am)
    token, _raw = token_create(actor=cast.am, name="script", scope="read")
    staff = _browser(admin)
    url = reverse("admin:accounts_user_change", args=[cast.am.pk])
    form = staff.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "is_active": "",
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
    )
    data = {k: v for k, v in data.items() if k != "is_active"}
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.am.refresh_from_db()
    assert not cast.am.is_active
    assert c.get(reverse("accounts:client_list")).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize("field", ["last_login", "full_name"])
def test_other_saves_end_nothing(cast, field):
    c = _browser(cast.am)
    cast.am.full_name = "Renamed"
    cast.am.save()
    assert c.get(reverse("accounts:client_list")).status_code == 200
