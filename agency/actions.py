"""The one way a view runs a service: a refusal becomes a message, never a 500.

    ok, result = run_service(request, services.brief_sign, success=_("Signed."), brief=brief)
    return redirect(brief)

The service gets `actor=request.user` and the keyword arguments. A
`DomainError` (wrong state, missing reason, segregation of duties...) is shown
with `messages.error` and nothing is changed (services own their
transactions, so the refused write has rolled back).
"""

from django.contrib import messages
from django.shortcuts import redirect

from .errors import DomainError


def run_service(request, fn, *, success=None, **kwargs) -> tuple[bool, object]:
    """(True, result) when the service ran; (False, None) after showing its refusal."""
    try:
        result = fn(actor=request.user, **kwargs)
    except DomainError as e:
        messages.error(request, e.message)
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def run_and_redirect(request, fn, redirect_to, *, success=None, **kwargs):
    """Run the service, then go back to `redirect_to` whatever happened (a POST-only action)."""
    run_service(request, fn, success=success, **kwargs)
    return redirect(redirect_to)


def render_form(
    request,
    form,
    *,
    title,
    back="",
    breadcrumbs=(),
    intro="",
    intro_level="secondary",
    multipart=False,
    head="",
    script="",
    form_marker="",
    submit_label="",
    extra=None,
    status=200,
):
    """The one form page (templates/form.html) every app's simple forms use.

    `breadcrumbs` is [(label, url)] before the page title; `head` a template to
    include above them (the brief's header); `script` a static js path.
    """
    from django.shortcuts import render

    context = {
        "form": form,
        "title": title,
        "back": back,
        "breadcrumbs": list(breadcrumbs),
        "intro": intro,
        "intro_level": intro_level,
        "multipart": multipart,
        "head": head,
        "script": script,
        "form_marker": form_marker,
        "submit_label": submit_label,
        **(extra or {}),
    }
    return render(request, "form.html", context, status=status)
