"""The fixed cast (STYLE.md): one client with a full account team, and people
around it. Every permission test uses these names, so a test reads like the
sentence it proves: `cast.outsider` gets 404, `cast.copywriter` gets 403.

    cast.client            the client (real estate)
    cast.ad / am / ae      account service on the team (am is the lead)
    cast.cd                creative director on the team (also a department head)
    cast.copywriter        creative on the team
    cast.planner, cast.media, cast.traffic   other team members
    cast.bd                the Business Director, on the team
    cast.md                the Managing Director (not on the team; sees all)
    cast.finance           finance (not on the team)
    cast.outsider          an AM on another client's team only
    cast.crossover         an AD by agency role: AM on this client's team, AD on other_client's
    cast.departed          an inactive AD still on this client's team (offboarded)
    cast.other_client      a client the cast's team is not on
"""

import os
import shutil
from types import SimpleNamespace

import pytest
from django.conf import settings

from agency.roles import Role

from .factories import ClientFactory, ContactFactory, MembershipFactory, UserFactory


def require_service(name: str, available: bool, reason: str):
    """Skip when a real service is missing on a newcomer's machine; fail in CI.

    .ci/run sets REQUIRE_SERVICES=1, under which every test must run.
    """
    if available:
        return
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but unavailable: {reason}")
    pytest.skip(f"{name} unavailable: {reason}")


@pytest.fixture
def require_postgres(db):
    from django.db import connection

    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL"
    )


@pytest.fixture
def require_redis():
    url = settings.REDIS_URL
    ok, reason = False, "REDIS_URL is not set"
    if url:
        try:
            import redis

            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
            ok = True
        except Exception as e:
            reason = f"{url}: {e}"
    require_service("Redis", ok, reason)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def require_chromium():
    ok = os.path.exists(CHROMIUM) or bool(shutil.which("chromium"))
    require_service("Chromium", ok, f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        require_service("Playwright", False, "pip install playwright")


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tasks run in-process unless a test starts a real worker."""
    from agency.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _test_clock():
    """TEST_CLOCK=2026-12-04T07:30+08:00 make test: run the suite at that moment.

    Finds time-of-day and day-of-week assumptions (a test that passes at 10:00
    but not at 23:30, or only while the machine's UTC date is Shanghai's date).
    The clock ticks on from there; a test's own time_machine.travel still wins.
    """
    moment = os.environ.get("TEST_CLOCK")
    if not moment:
        yield
        return
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=True):
        yield


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Uploads go to this test's folder, never to the repository's private_media/.

    A newcomer runs `make test` while `make run` serves from the same checkout:
    the suite must not write into (or count files in) the server's folders.
    """
    settings.MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test sees an empty cache of its own: counters (throttles, rates) never
    leak from an earlier test or from a parallel worker sharing the same Redis."""
    import uuid

    settings.CACHES = {
        alias: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, conf in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _fast_hasher_and_english(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def cast(db):
    client = ClientFactory(name="Huayuan Properties", short_name="Huayuan")
    other_client = ClientFactory(name="Other Co")
    people = {}
    for key, role in [
        ("ad", Role.AD),
        ("am", Role.AM),
        ("ae", Role.AE),
        ("cd", Role.CREATIVE_DIRECTOR),
        ("copywriter", Role.CREATIVE),
        ("planner", Role.PLANNER),
        ("media", Role.MEDIA),
        ("traffic", Role.TRAFFIC),
        ("bd", Role.BD),
    ]:
        user = UserFactory(
            username=f"cast-{key}",
            full_name=f"Cast {key}",
            role=role,
            is_department_head=key in ("cd", "ad"),
        )
        MembershipFactory(client=client, user=user, team_role=role, is_lead=key == "am")
        people[key] = user
    people["md"] = UserFactory(
        username="cast-md", full_name="Cast md", role=Role.MD, is_department_head=True
    )
    people["finance"] = UserFactory(
        username="cast-finance", full_name="Cast finance", role=Role.FINANCE
    )
    people["outsider"] = UserFactory(
        username="cast-outsider", full_name="Cast outsider", role=Role.AM
    )
    MembershipFactory(client=other_client, user=people["outsider"], team_role=Role.AM, is_lead=True)
    # Roles that hold on another client only must never count here.
    people["crossover"] = UserFactory(
        username="cast-crossover", full_name="Cast crossover", role=Role.AD
    )
    MembershipFactory(client=client, user=people["crossover"], team_role=Role.AM)
    MembershipFactory(client=other_client, user=people["crossover"], team_role=Role.AD)
    # Offboarding deactivates the user; the membership row stays.
    people["departed"] = UserFactory(
        username="cast-departed", full_name="Cast departed", role=Role.AD, is_active=False
    )
    MembershipFactory(client=client, user=people["departed"], team_role=Role.AD)
    contact = ContactFactory(client=client, name="陈总")
    return SimpleNamespace(client=client, other_client=other_client, contact=contact, **people)


def otp_verify_session(client, user):
    """Mark a logged-in test client's session as second-factor verified
    (with a confirmed TOTP device created for the user if needed)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(request, monkeypatch):
    """force_login of a user who must have a second factor (MD, BD, finance,
    admins) also verifies the session, so tests of everything else log in as
    before. Tests of the second factor itself mark themselves `real_mfa`."""
    if request.node.get_closest_marker("real_mfa"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from accounts.mfa import mfa_required

        if mfa_required(user):
            otp_verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def as_user(client):
    """as_user(user) -> the Django test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# How long a browser test waits for a page, an element or an expectation. Generous:
# on a busy machine (a server and other test runs beside it) Chromium and the
# live server are slow, and a wait returns as soon as its condition holds.
BROWSER_TIMEOUT_MS = int(os.environ.get("BROWSER_TIMEOUT_MS", "60000"))


def totp_now(device) -> str:
    """The code an authenticator app would show now for this TOTP device."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def browser_page(require_chromium, live_server, transactional_db, tmp_path, monkeypatch):
    """A Playwright page in Debian's Chromium (never a downloaded browser).

    Usage: page, login = browser_page; login(user, "pw"); page.goto(live_server.url + "/...")
    Screenshots: page.screenshot(path=tmp_path / "x.png") (or SCREENSHOT_DIR to keep them).
    """
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself are still synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1360, "height": 900})
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)

        def login(user, password="pw", second_factor=True):
            """Log in; for a user who must have a second factor, also type a
            TOTP code computed from their device's key (one is created)."""
            page.goto(live_server.url + "/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", password)
            page.click("main form button[type=submit]")
            page.wait_for_url(lambda url: "/login/" not in url)
            if second_factor and "/two-factor/" in page.url:
                from django_otp.plugins.otp_totp.models import TOTPDevice

                device, _ = TOTPDevice.objects.get_or_create(
                    user=user, confirmed=True, defaults={"name": "test"}
                )
                if "/setup/" in page.url:
                    page.goto(live_server.url + "/account/two-factor/verify/")
                page.fill("input[name=token]", totp_now(device))
                page.click("main form[data-mfa-verify-form] button[type=submit]")
                page.wait_for_url(lambda url: "/two-factor/" not in url)

        def shot(name):
            directory = os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
            os.makedirs(directory, exist_ok=True)
            page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)

        page.login = login
        page.shot = shot
        page.base = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end sessions left by other threads.

    Live-server, worker and concurrency-test threads open their own
    connections; one left open makes PostgreSQL refuse to drop the test
    database at the end of the run. Depending on django_db_setup, this is torn
    down just before it.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
