"""Issue 18 (Medium/Low): one date range, bounded text, no-store caching,
masked feed tokens, proxy-aware throttling, throttled password change,
unescaped plain-text emails, safe `next`."""

import datetime as dt
import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from agency.dates import ERR_DATE_OUT_OF_RANGE, in_range
from agency.limits import TEXT_MAX_LENGTH
from tests.billing.conftest import LINES
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


# --- dates ---------------------------------------------------------------------------


def test_the_one_range_is_years_2000_to_2100():
    assert in_range(dt.date(2000, 1, 1)) and in_range(dt.date(2100, 12, 31))
    assert not in_range(dt.date(1, 1, 1)) and not in_range(dt.date(9999, 12, 31))
    assert not in_range(dt.date(1999, 12, 31)) and not in_range(dt.date(2101, 1, 1))


def test_invoice_numbers_always_carry_a_four_digit_year():
    from billing.services import invoice_number

    assert invoice_number(2026, 7) == "INV-2026-0007"
    assert invoice_number(1, 1) == "INV-0001-0001"


def test_an_issue_date_in_year_1_is_refused_and_nothing_changes(cast):
    from billing import services
    from billing.forms import IssueForm
    from tests.helpers import assert_refused, unchanged

    draft = services.invoice_create(
        actor=cast.am,
        client=cast.client,
        data={},
        lines=LINES,
    )
    requested = services.invoice_request(actor=cast.am, invoice=draft)
    with unchanged(requested):
        assert_refused(
            services.invoice_issue,
            ERR_DATE_OUT_OF_RANGE,
            actor=cast.finance,
            invoice=requested,
            fapiao_number="FP-1",
            issue_date=dt.date(1, 1, 1),
        )
    form = IssueForm(data={"fapiao_number": "FP-1", "issue_date": "0001-01-01"})
    assert not form.is_valid() and "issue_date" in form.errors


def test_a_payment_through_the_api_serializer_is_ranged_too():
    from api.serializers import PaymentInputSerializer

    bad = PaymentInputSerializer(data={"date": "9999-12-31", "amount": "10.00"})
    assert not bad.is_valid()
    assert "date" in bad.errors


def test_a_plan_year_outside_the_range_is_refused_by_the_service(cast):
    from plans import services
    from plans.models import AccountPlan
    from tests.helpers import assert_refused

    assert_refused(
        services.plan_create, ERR_DATE_OUT_OF_RANGE, actor=cast.am, client=cast.client, year=9999
    )
    assert not AccountPlan.objects.filter(client=cast.client).exists()


# --- text limits ---------------------------------------------------------------------


def test_a_100000_character_decision_is_a_form_error_and_not_stored(cast, as_user):
    from meetings.models import Decision
    from tests.meetings.factories import AttendeeFactory, MeetingFactory

    meeting = MeetingFactory(client=cast.client, organiser=cast.am)
    AttendeeFactory(meeting=meeting, user=cast.am)
    url = reverse("meetings:decision_add", args=[meeting.pk])
    response = as_user(cast.am).post(url, {"text": "x" * 100_000}, follow=True)
    assert response.status_code == 200
    assert f"at most {TEXT_MAX_LENGTH} characters" in response.content.decode()
    assert not Decision.objects.filter(meeting=meeting).exists()


def test_every_app_form_bounds_its_text_fields(cast):
    from briefs.forms import BriefForm, CommentForm
    from meetings.forms import DecisionForm, OutcomeForm
    from plans.forms import ReturnForm

    brief_form = BriefForm(client=cast.client)
    for form in (brief_form, CommentForm(), OutcomeForm(), DecisionForm(), ReturnForm()):
        for name, field in form.fields.items():
            if hasattr(field, "max_length") and field.__class__.__name__ != "JSONField":
                assert field.max_length is not None, (type(form).__name__, name)
    assert brief_form.fields["client_problem"].widget.attrs["maxlength"] == str(TEXT_MAX_LENGTH)


# --- safe next -------------------------------------------------------------------------


@pytest.mark.parametrize("nxt", ["abc", "home", "https://evil.example/", "//evil.example/"])
def test_inbox_read_with_a_bad_next_goes_to_the_inbox(cast, as_user, nxt):
    response = as_user(cast.am).post(reverse("inbox_mark_read"), {"next": nxt})
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox")


def test_inbox_read_with_a_local_next_goes_there(cast, as_user):
    response = as_user(cast.am).post(reverse("inbox_mark_read"), {"next": "/meetings/?page=2"})
    assert response["Location"] == "/meetings/?page=2"


# --- Cache-Control ---------------------------------------------------------------------


def test_authenticated_pages_pdfs_and_exports_are_private_no_store(cast, as_user):
    from billing import services

    draft = services.invoice_create(
        actor=cast.am,
        client=cast.client,
        data={},
        lines=LINES,
    )
    c = as_user(cast.finance)
    for url in (
        reverse("home"),
        reverse("billing:invoice_pdf", args=[draft.pk]),
        reverse("billing:ageing_export", args=["csv"]),
    ):
        response = c.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
        assert "public" not in cache_control


# --- logs ------------------------------------------------------------------------------


def test_feed_tokens_are_masked_in_django_request_logs(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/meetings/calendar/feed/SeCrEtToKeN123.ics")
    assert response.status_code == 404
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/calendar/feed/***.ics" in text
    assert "SeCrEtToKeN123" not in text


def test_the_gunicorn_access_log_masks_feed_tokens():
    from gunicorn.config import Config

    from agency.logging import MaskingGunicornLogger, mask_secrets

    assert mask_secrets("GET /meetings/calendar/feed/abc-DEF_1.ics HTTP/1.1") == (
        "GET /meetings/calendar/feed/***.ics HTTP/1.1"
    )

    class Req:
        method, path, query, uri, version = "GET", "/meetings/calendar/feed/tok.ics", "", "", (1, 1)
        headers = []

    class Resp:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "RAW_URI": "/meetings/calendar/feed/tok.ics",
        "REMOTE_ADDR": "1.2.3.4",
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/meetings/calendar/feed/tok.ics",
        "QUERY_STRING": "",
    }
    atoms = MaskingGunicornLogger(Config()).atoms(Resp(), Req(), environ, dt.timedelta(seconds=1))
    assert "tok.ics" not in atoms["r"] and "tok.ics" not in atoms["U"]
    assert "/calendar/feed/***.ics" in atoms["r"]


def test_gunicorn_is_configured_with_the_masking_logger():
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text()
    assert 'logger_class = "agency.logging.MaskingGunicornLogger"' in conf


# --- proxy-aware login throttling ------------------------------------------------------


def _fail(client, ip):
    return client.post(
        reverse("login"),
        {"username": "victim", "password": "wrong"},
        HTTP_X_FORWARDED_FOR=ip,
        REMOTE_ADDR="10.0.0.1",  # the proxy
    )


@pytest.mark.django_db
def test_behind_the_proxy_each_forwarded_client_counts_separately(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="victim", password="right-password")
    for _ in range(3):
        _fail(client, "203.0.113.7")
    locked = _fail(client, "203.0.113.7")
    assert locked.status_code == 429
    # Someone else behind the same proxy is not locked out of that username.
    other = client.post(
        reverse("login"),
        {"username": "victim", "password": "right-password"},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        REMOTE_ADDR="10.0.0.1",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_without_the_proxy_setting_the_header_is_ignored(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="victim", password="right-password")
    for ip in ("203.0.113.7", "203.0.113.8", "203.0.113.9"):
        _fail(client, ip)  # a forged header per try: still one REMOTE_ADDR
    response = client.post(
        reverse("login"),
        {"username": "victim", "password": "right-password"},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429


def test_client_ip_takes_the_entry_the_proxies_appended(settings):
    from agency.client_ip import client_ip

    rf = RequestFactory()
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the client can't forge the last entry
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"  # fewer entries than proxies: not ours
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    junk = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.1")
    assert client_ip(junk) == "10.0.0.1"


# --- password change -------------------------------------------------------------------


@pytest.mark.django_db
def test_guessing_the_old_password_is_throttled(client, settings):
    from django.contrib.auth import get_user_model

    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="pat", password="right-password")
    client.force_login(user)
    url = reverse("password_change")
    new = {"new_password1": "An0ther-long-pass!", "new_password2": "An0ther-long-pass!"}
    for _ in range(3):
        response = client.post(url, {"old_password": "guess", **new})
        assert response.status_code == 200
    response = client.post(url, {"old_password": "right-password", **new})
    assert response.status_code == 200
    assert "Too many wrong current passwords" in response.content.decode()
    user = get_user_model().objects.get(pk=user.pk)
    assert user.check_password("right-password")


@pytest.mark.django_db
def test_a_right_old_password_under_the_limit_changes_it(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="pat", password="right-password")
    client.force_login(user)
    url = reverse("password_change")
    new = {"new_password1": "An0ther-long-pass!", "new_password2": "An0ther-long-pass!"}
    client.post(url, {"old_password": "guess", **new})
    response = client.post(url, {"old_password": "right-password", **new})
    assert response.status_code == 302


# --- plain-text emails -----------------------------------------------------------------


def test_plain_text_emails_are_not_html_escaped(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    from meetings import services
    from tests.meetings.factories import AttendeeFactory, MeetingFactory

    title = 'O\'Neil & "Sons" <HK>'
    meeting = MeetingFactory(client=cast.client, organiser=cast.am, title=title)
    AttendeeFactory(meeting=meeting, user=cast.am)
    AttendeeFactory(meeting=meeting, user=cast.ae)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_item_add(
            actor=cast.am,
            meeting=meeting,
            text='Call "Li" & <team>',
            owner=cast.ae,
            due_date=timezone.localdate(),
        )
    (mail,) = [m for m in mailoutbox if cast.ae.email in m.to]
    assert title in mail.subject or title in mail.body
    assert 'Call "Li" & <team>' in mail.body
    assert "&quot;" not in mail.body and "&amp;" not in mail.body and "&lt;" not in mail.body
    html = mail.alternatives[0][0]
    assert "&lt;team&gt;" in html  # the HTML part is still escaped


def test_the_text_renderer_turns_autoescape_off_for_every_txt_template(tmp_path, settings):
    from agency.notifications import render_text

    tpl = tmp_path / "t.txt"
    tpl.write_text('{{ name }}|{% include "i.txt" %}')
    (tmp_path / "i.txt").write_text("{{ name }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    out = render_text("t.txt", {"name": 'A "b" & <c>'})
    assert out == 'A "b" & <c>|A "b" & <c>'
