"""The token page: a user creates, names and revokes their own API tokens.

A new token's key is shown once, in the response to the POST that created it
(never stored, never put in the session or a redirect).
"""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agency.actions import run_and_redirect, run_service

from . import services
from .forms import TokenForm
from .selectors import token_get_for_user, tokens_for


@never_cache
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        ok, result = run_service(
            request,
            services.token_create,
            success=_("Token created. Copy it now: it will not be shown again."),
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
        )
        if ok:
            _token, new_key = result
            form = TokenForm()
        else:
            return redirect("api:tokens")
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens_for(request.user), "new_key": new_key},
    )


@require_POST
def token_revoke(request, pk):
    token = token_get_for_user(request.user, pk)
    return run_and_redirect(
        request, services.token_revoke, "api:tokens", success=_("Token revoked."), token=token
    )
