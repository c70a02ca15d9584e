"""Password reset by email: translated, throttled, never revealing whether an
address exists."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse


@pytest.fixture(autouse=True)
def _own_throttle_counts(settings):
    """A cache of this test's own (parallel workers share the Redis database)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pw"}
    }
    cache.clear()


def _ask(email, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def test_reset_mails_a_link_that_sets_a_new_password(cast):
    response = _ask(cast.am.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.am.email]
    assert message.alternatives  # an HTML part too
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", message.body).group(1)
    c = Client()
    form_page = c.get(link, follow=True)
    assert form_page.status_code == 200
    done = c.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    cast.am.refresh_from_db()
    assert cast.am.check_password("a-long-new-pass-42")


def test_unknown_address_gets_the_same_answer_and_no_mail(db):
    known = _ask("nobody@agency.test")
    assert known.status_code == 302
    assert known["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_throttled_per_address(cast, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_HOUR = 2
    for n in range(4):
        response = _ask(cast.am.email, ip=f"10.0.1.{n}")
        # the same answer every time: nothing tells that the limit was hit
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 2


def test_throttled_per_ip(cast, settings):
    settings.PASSWORD_RESET_PER_IP_HOUR = 2
    for who in (cast.am, cast.ae, cast.ad):
        response = _ask(who.email, ip="10.0.2.1")
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 2
    _ask(cast.ad.email, ip="10.0.2.2")
    assert len(mail.outbox) == 3


def test_pages_open_without_login(db):
    c = Client()
    assert c.get(reverse("password_reset")).status_code == 200
    assert c.get(reverse("password_reset_done")).status_code == 200
    assert c.get(reverse("password_reset_complete")).status_code == 200
    assert b"Forgot your password?" in c.get(reverse("login")).content
