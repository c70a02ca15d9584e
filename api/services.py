"""Writes of the api app: creating and revoking personal API tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.permissions import deny_unless

from .models import ApiToken

ERR_NAME_REQUIRED = _("Give the token a name.")
ERR_BAD_SCOPE = _("Choose read only or read and write.")
ERR_ALREADY_REVOKED = _("This token is already revoked.")

PREFIX_LENGTH = 8


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns (token, the raw key shown only now)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(ERR_NAME_REQUIRED)
    if scope not in ApiToken.Scope.values:
        raise DomainError(ERR_BAD_SCOPE)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, scope=scope, prefix=raw[:PREFIX_LENGTH], key_hash=token_hash(raw)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once."""
    deny_unless(token.user_id == actor.pk)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError(ERR_ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
