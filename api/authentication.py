"""Bearer-token authentication with personal API tokens.

`Authorization: Bearer <token>`. An unknown or revoked token, or the token of
a deactivated user, is refused with 401. Session authentication stays on for
the browsable docs (and then DRF checks the CSRF token on writes).
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .selectors import token_for_key

ERR_BAD_TOKEN = _("Invalid or revoked API token.")
ERR_BAD_HEADER = _("Malformed Authorization header: use “Bearer <token>”.")
ERR_USER_INACTIVE = _("This user is deactivated.")

# last_used_at is written at most this often per token (not on every request).
LAST_USED_EVERY = dt.timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(ERR_BAD_HEADER)
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(ERR_BAD_HEADER) from None
        token = token_for_key(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(ERR_BAD_TOKEN)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(ERR_USER_INACTIVE)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
