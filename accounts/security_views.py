"""Thin views of the second factor, password reset, sessions and the audit page."""

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agency.actions import run_and_redirect, run_service

from . import audit, mfa, user_sessions
from .models import UserSession
from .security_forms import CodeForm, VerifyForm

# --- second factor ----------------------------------------------------------


def mfa_enrol(request):
    """Set up the authenticator app: scan, type a code, get recovery codes once."""
    if mfa.totp_device(request.user):
        return redirect("mfa_manage")
    device = mfa.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, codes = run_service(
            request, mfa.enrol_confirm, http_request=request, token=form.cleaned_data["token"]
        )
        if ok:
            return render(
                request,
                "security/recovery_codes.html",
                {"codes": codes, "next": mfa.safe_next(request)},
            )
    return render(
        request,
        "security/enrol.html",
        {
            "form": form,
            "qr": mfa.qr_data_uri(device.config_url),
            "secret": _b32(device),
            "required": mfa.mfa_required(request.user),
            "next": mfa.safe_next(request, ""),
        },
    )


def _b32(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def mfa_verify(request):
    """The second step of login for whoever has a device."""
    if request.user.is_verified():
        return redirect(mfa.safe_next(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _device = run_service(
            request,
            mfa.verify,
            http_request=request,
            token=form.cleaned_data["token"],
            recovery=form.cleaned_data["recovery"],
        )
        if ok:
            return redirect(mfa.safe_next(request))
    return render(
        request, "security/verify.html", {"form": form, "next": mfa.safe_next(request, "")}
    )


def mfa_manage(request):
    """The user's second factor: set up or not, recovery codes left."""
    from django_otp.plugins.otp_static.models import StaticToken

    return render(
        request,
        "security/manage.html",
        {
            "device": mfa.totp_device(request.user),
            "codes_left": StaticToken.objects.filter(device__user=request.user).count(),
            "required": mfa.mfa_required(request.user),
        },
    )


@require_POST
def mfa_recovery_codes(request):
    """New recovery codes (the old ones stop working); shown once."""
    if not mfa.totp_device(request.user):
        return redirect("mfa_enrol")
    codes = mfa.recovery_codes_new(request.user)
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": ""})


# --- password reset ---------------------------------------------------------


def _throttled(key: str, limit: int) -> bool:
    """Count one request under `key` for an hour; True once over `limit`."""
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        count = 1
    return count > limit


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, throttled per IP and per address. The answer is the same
    whether the address exists, is throttled or not: "if it exists, mail is on its way"."""

    template_name = "security/password_reset_form.html"
    email_template_name = "emails/security/password_reset.txt"
    html_email_template_name = "emails/security/password_reset.html"
    subject_template_name = "emails/security/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        from django.conf import settings

        ip = self.request.META.get("REMOTE_ADDR", "")
        address = form.cleaned_data["email"].strip().lower()
        over_ip = _throttled(f"pwreset:ip:{ip}", settings.PASSWORD_RESET_PER_IP_HOUR)
        over_address = _throttled(
            f"pwreset:addr:{address}", settings.PASSWORD_RESET_PER_ADDRESS_HOUR
        )
        if over_ip or over_address:
            return redirect(self.get_success_url())
        return super().form_valid(form)


# --- sessions ---------------------------------------------------------------


def session_list(request):
    return render(
        request,
        "security/sessions.html",
        {
            "sessions": user_sessions.sessions_for_user(request.user),
            "current": request.session.session_key,
        },
    )


@require_POST
def session_end(request, pk):
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    return run_and_redirect(
        request,
        user_sessions.session_end,
        "session_list",
        success=_("The session was ended."),
        user_session=row,
        current_key=request.session.session_key,
    )


@require_POST
def sessions_end_others(request):
    return run_and_redirect(
        request,
        user_sessions.sessions_end_others,
        "session_list",
        success=_("Your other sessions were ended."),
        current_key=request.session.session_key,
    )


# --- audit ------------------------------------------------------------------


def _audit_filtered(request):
    rows = audit.audit_rows_for_user(request.user)
    filterset = audit.AuditFilter(request.GET or None, queryset=rows)
    return filterset, (filterset.qs if filterset.is_bound else rows)


@require_GET
def audit_list(request):
    filterset, rows = _audit_filtered(request)
    page = Paginator(rows.prefetch_related("subject"), 50).get_page(request.GET.get("page"))
    header, table = audit.audit_table(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/audit.html",
        {
            "filter": filterset,
            "page": page,
            "header": header,
            "table": table,
            "query": query.urlencode(),
            "csv_url": reverse("audit_csv") + (f"?{query.urlencode()}" if query else ""),
        },
    )


@require_GET
def audit_export(request):
    _filterset, rows = _audit_filtered(request)
    header, table = audit.audit_table(rows.prefetch_related("subject"))
    audit.export_record(actor=request.user, report="audit", fmt="csv", rows=len(table))
    response = HttpResponse(audit.audit_csv(header, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
