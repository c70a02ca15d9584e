"""The second factor: who must have one, and the middleware that enforces it.

TOTP (an authenticator app) with recovery codes (django-otp's static device).
Required for the MD, the BD, finance and admins (superusers too); optional for
everyone else, but whoever has a confirmed device must use it at every login.

A signed-in user who must verify is sent to the verify page; one who must
have a device and has none is sent to enrolment. The API's token
authentication never has a session user, so it is not affected: a personal
token is the second factor's equivalent.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agency.errors import DomainError
from agency.roles import Role

ERR_WRONG_CODE = _("That code is not right. Check your authenticator app and try again.")
ERR_THROTTLED = _("Too many wrong codes. Wait %(seconds)s seconds and try again.")
ERR_ALREADY_ENROLLED = _("You already have an authenticator app set up.")

MFA_REQUIRED_ROLES = frozenset({Role.MD, Role.BD, Role.FINANCE, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# Set at login: whether this (optional) user has a device to verify with.
SESSION_HAS_DEVICE = "mfa_has_device"

# URL names a signed-in but unverified user may still open.
EXEMPT_URL_NAMES = (
    "login",
    "logout",
    "set_language",
    "mfa_enrol",
    "mfa_verify",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "healthz",
)


def mfa_required(user) -> bool:
    """The one rule: who must have a second factor."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in MFA_REQUIRED_ROLES))


def totp_device(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


@receiver(user_logged_in)
def _remember_device_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and not mfa_required(user):
        request.session[SESSION_HAS_DEVICE] = user_has_device(user)


def must_verify(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return mfa_required(user) or bool(request.session.get(SESSION_HAS_DEVICE))


class SecondFactorMiddleware:
    """Sends a signed-in user who still owes a second factor to verify or enrol."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_paths(self):
        if self._exempt is None:
            self._exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        return self._exempt

    def __call__(self, request):
        path = request.path_info
        if (
            not path.startswith(settings.STATIC_URL)
            and path not in self.exempt_paths()
            and not path.startswith("/password/reset/")
            and must_verify(request)
        ):
            target = "mfa_verify" if user_has_device(request.user) else "mfa_enrol"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)


def safe_next(request, default="/"):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


def qr_data_uri(url: str) -> str:
    """The otpauth:// URL as an inline SVG image (the CSP allows data: images)."""
    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


# --- services ---------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (created once, kept until confirmed)."""
    if totp_device(user):
        raise DomainError(ERR_ALREADY_ENROLLED)
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _check(device, token: str) -> DomainError | None:
    """The refusal for this code, or None. Returned, not raised: the caller's
    transaction must commit the throttling counter a wrong code increments."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        seconds = 1
        if info and info.get("locked_until"):
            seconds = max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
        return DomainError(ERR_THROTTLED, seconds=seconds)
    if not device.verify_token((token or "").strip().replace(" ", "")):
        return DomainError(ERR_WRONG_CODE)
    return None


def recovery_codes_new(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def enrol_confirm(*, actor, http_request, token: str) -> list[str]:
    """Confirm the enrolment device with a code from the app; returns recovery codes."""
    user = actor
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=enrolment_device(user).pk)
        error = _check(device, token)
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_new(user)
    if error is not None:
        raise error
    otp_login(http_request, device)
    http_request.session[SESSION_HAS_DEVICE] = True
    return codes


def verify(*, actor, http_request, token: str, recovery: bool = False):
    """Verify this session with a TOTP code or (once each) a recovery code."""
    user = actor
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        error = _check(device, token) if device else DomainError(ERR_WRONG_CODE)
    if error is not None:
        raise error
    otp_login(http_request, device)
    return device


def session_is_verified(session) -> bool:
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def demo_enrol(user, base32_secret: str) -> TOTPDevice:
    """Give a demo user a confirmed TOTP device with a known secret (seed_demo
    --demo-totp, DEBUG only). Idempotent."""
    key = base64.b32decode(base32_secret).hex()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name=TOTP_NAME, defaults={"key": key, "confirmed": True}
    )
    return device
