"""Writes of the api app: creating and revoking personal API tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.permissions import deny_unless
from agency.timeline import timeline_record

from .models import ApiToken

ERR_NAME_REQUIRED = _("Give the token a name.")
ERR_BAD_SCOPE = _("Choose read only or read and write.")
ERR_ALREADY_REVOKED = _("This token is already revoked.")

# Timeline actions (the audit page lists them).
TOKEN_CREATED = "token_created"  # noqa: S105 - an action name
TOKEN_REVOKED = "token_revoked"  # noqa: S105 - an action name

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
    timeline_record(
        obj=token, action=TOKEN_CREATED, actor=actor, data={"name": name, "scope": scope}
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
    timeline_record(obj=token, action=TOKEN_REVOKED, actor=actor, data={"name": token.name})
    return token


@transaction.atomic
def tokens_revoke_all(*, user, actor=None) -> int:
    """Revoke every live token of a user (deactivation); returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at=None))
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        timeline_record(
            obj=token,
            action=TOKEN_REVOKED,
            actor=actor,
            data={"name": token.name, "reason": "deactivated"},
        )
    return len(tokens)


def tokens_revoke_all_receiver(sender, user, actor=None, **kwargs):
    tokens_revoke_all(user=user, actor=actor)
