"""The second factor: required roles are sent to enrolment, codes are checked
and throttled, recovery codes work once each, the admin needs it too."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from tests.conftest import totp_now

pytestmark = pytest.mark.real_mfa


def _login(client, user):
    """A real password login (the login view), as a person does it."""
    response = client.post(reverse("login"), {"username": user.username, "password": "pw"})
    assert response.status_code == 302
    return response


def _enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    codes = mfa.recovery_codes_new(user)
    return device, codes


@pytest.mark.parametrize("who", ["md", "bd", "finance"])
def test_required_role_without_a_device_is_sent_to_enrolment(cast, client, who):
    # given the MD (BD, finance) with no device, logged in with the password
    _login(client, getattr(cast, who))
    # when they open any page
    response = client.get(reverse("accounts:client_list"))
    # then they are sent to enrolment, with the page they wanted kept
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_enrol"))
    assert "next=" in response["Location"]
    # and the enrolment page shows a QR code as an inline image
    page = client.get(reverse("mfa_enrol"))
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content


def test_superuser_is_required_too(db, client):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True, role="ae")
    _login(client, admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_enrol"))


def test_optional_role_without_a_device_goes_straight_in(cast, client):
    _login(client, cast.am)
    assert client.get(reverse("accounts:client_list")).status_code == 200


def test_optional_role_with_a_device_must_verify(cast, client):
    _enrolled(cast.am)
    _login(client, cast.am)
    response = client.get(reverse("accounts:client_list"))
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_exempt_urls_stay_open_to_an_unverified_user(cast, client):
    _login(client, cast.md)
    assert client.get(reverse("mfa_enrol")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.get("/static/css/app.css").status_code in (200, 404)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not response["Location"].startswith("/account/two-factor/")


def test_enrolment_confirms_the_device_and_shows_recovery_codes(cast, client):
    _login(client, cast.md)
    client.get(reverse("mfa_enrol"))
    device = TOTPDevice.objects.get(user=cast.md, confirmed=False)
    response = client.post(reverse("mfa_enrol"), {"token": totp_now(device), "next": "/clients/"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=cast.md).values_list("token", flat=True))
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    for code in codes:
        assert code in response.content.decode()
    # and the session is verified: pages open
    assert client.get(reverse("accounts:client_list")).status_code == 200


def test_enrolment_with_a_wrong_code_is_refused_and_nothing_confirmed(cast, client):
    _login(client, cast.md)
    client.get(reverse("mfa_enrol"))
    response = client.post(reverse("mfa_enrol"), {"token": "000000"})
    assert response.status_code == 200
    assert str(mfa.ERR_WRONG_CODE) in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.md, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=cast.md).exists()
    assert client.get(reverse("accounts:client_list"))["Location"].startswith(reverse("mfa_enrol"))


def test_a_wrong_code_is_refused_then_throttled(cast, client):
    device, _codes = _enrolled(cast.md)
    _login(client, cast.md)
    with time_machine.travel("2026-12-01 10:00:00 +0000", tick=False):
        response = client.post(reverse("mfa_verify"), {"token": "000000"})
        assert str(mfa.ERR_WRONG_CODE) in response.content.decode()
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        # the right code at once is refused too: the device is throttled
        response = client.post(reverse("mfa_verify"), {"token": totp_now(device)})
        assert "Too many wrong codes" in response.content.decode()
        assert client.get(reverse("accounts:client_list"))["Location"].startswith(
            reverse("mfa_verify")
        )
    # after the wait, the right code works
    with time_machine.travel("2026-12-01 10:00:05 +0000", tick=False):
        response = client.post(
            reverse("mfa_verify"), {"token": totp_now(device), "next": "/clients/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/clients/"
        assert client.get(reverse("accounts:client_list")).status_code == 200


def test_verify_service_refuses_a_wrong_code(cast, rf):
    from django.contrib.sessions.backends.db import SessionStore

    from tests.helpers import assert_refused

    device, _codes = _enrolled(cast.md)
    request = rf.post("/")
    request.session = SessionStore()
    request.user = cast.md
    assert_refused(mfa.verify, mfa.ERR_WRONG_CODE, actor=cast.md, http_request=request, token="1")
    assert "otp_device_id" not in request.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_recovery_codes_work_once_each(cast, client):
    _device, codes = _enrolled(cast.md)
    _login(client, cast.md)
    response = client.post(reverse("mfa_verify"), {"token": codes[0], "recovery": "on"})
    assert response.status_code == 302
    assert client.get(reverse("accounts:client_list")).status_code == 200
    assert StaticToken.objects.filter(device__user=cast.md).count() == len(codes) - 1
    # a second login with the same code is refused
    client.post(reverse("logout"))
    _login(client, cast.md)
    response = client.post(reverse("mfa_verify"), {"token": codes[0], "recovery": "on"})
    assert str(mfa.ERR_WRONG_CODE) in response.content.decode()
    assert client.get(reverse("accounts:client_list")).status_code == 302
    # another code works (once the one-second throttle has passed)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        response = client.post(reverse("mfa_verify"), {"token": codes[1], "recovery": "on"})
        assert response.status_code == 302


def test_new_recovery_codes_replace_the_old(cast, client):
    _device, old = _enrolled(cast.md)
    client.force_login(cast.md)
    from tests.conftest import otp_verify_session

    otp_verify_session(client, cast.md)
    response = client.post(reverse("mfa_recovery_codes"))
    assert response.status_code == 200
    tokens = set(StaticToken.objects.filter(device__user=cast.md).values_list("token", flat=True))
    assert len(tokens) == mfa.RECOVERY_CODE_COUNT
    assert not tokens & set(old)


def test_admin_site_requires_the_second_factor(cast, client):
    cast.md.is_staff = True
    cast.md.is_superuser = True
    cast.md.save()
    _enrolled(cast.md)
    _login(client, cast.md)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_api_token_is_not_affected(cast, client):
    from api.services import token_create

    _token, raw = token_create(actor=cast.md, name="script", scope="read")
    response = client.get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_required_is_the_documented_roles(cast):
    assert {u.username for u in (cast.md, cast.bd, cast.finance) if mfa.mfa_required(u)} == {
        "cast-md",
        "cast-bd",
        "cast-finance",
    }
    for who in ("ad", "am", "ae", "cd", "copywriter", "planner", "media", "traffic"):
        assert not mfa.mfa_required(getattr(cast, who))


def test_seed_demo_pre_enrols_only_when_asked_and_only_in_debug(db, settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from accounts.management.commands.seed_demo import DEMO_TOTP_SECRET
    from accounts.models import User

    quiet = open("/dev/null", "w")  # noqa: SIM115
    call_command("seed_demo", stdout=quiet)
    assert not TOTPDevice.objects.exists()  # the default: they enrol at first login
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", "--demo-totp", stdout=quiet)
    settings.DEBUG = True
    call_command("seed_demo", "--demo-totp", stdout=quiet)
    enrolled = set(TOTPDevice.objects.values_list("user__username", flat=True))
    assert enrolled == {u.username for u in User.objects.all() if mfa.mfa_required(u)}
    import base64

    device = TOTPDevice.objects.get(user__username="md")
    assert device.bin_key == base64.b32decode(DEMO_TOTP_SECRET)
