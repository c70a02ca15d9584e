"""Reads of the api app.

The API has no permission rules of its own: every resource is read through
its app's selectors (client_list_for_user, plan_get_for_user, ...). Only the
tokens, and the list of time entries (which the UI shows in two places: one's
own timesheet, and a client's time in profitability), are put together here
from the billing selectors' public names.
"""

import hmac

from django.db.models import Q, QuerySet

from agency.permissions import object_or_404
from billing.models import TimeEntry
from billing.selectors import billing_client_ids

from .models import ApiToken
from .services import PREFIX_LENGTH, token_hash


def tokens_for(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get_for_user(user, pk) -> ApiToken:
    """One of the user's own tokens; 404 for anybody else's."""
    return object_or_404(tokens_for(user), pk)


def token_for_key(raw: str) -> ApiToken | None:
    """The active token with this key, or None (unknown, revoked or malformed)."""
    if not raw or len(raw) < PREFIX_LENGTH + 8 or len(raw) > 200:
        return None
    wanted = token_hash(raw)
    candidates = ApiToken.objects.filter(
        prefix=raw[:PREFIX_LENGTH], revoked_at__isnull=True
    ).select_related("user")
    for token in candidates:
        if hmac.compare_digest(token.key_hash, wanted):
            return token
    return None


def time_entry_list_for_user(user) -> QuerySet[TimeEntry]:
    """Time entries as the UI shows them: one's own (the timesheet), and every
    entry of the clients whose billing one sees (profitability, time export)."""
    if not user.is_authenticated or not user.is_active:
        return TimeEntry.objects.none()
    qs = TimeEntry.objects.select_related("user", "client")
    ids = billing_client_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(user=user) | Q(client_id__in=ids))
