"""Cross-cutting permission vocabulary.

Each resource has ONE helper that every view, download and service goes
through (`client_get_for_user`, `plan_get_for_user`, ...), living in that
app's selectors. This module holds what those helpers share: the loader
that turns any bad id into 404, and the rule that who may not see gets 404
while who sees but may not act gets 403. (The role sets are in `roles`; who
holds a role on a client is asked of accounts.)
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("Not found.")
NOT_ALLOWED = _("You may not do this.")


def deny_unless(allowed: bool, message=NOT_ALLOWED) -> None:
    """Raise 403 unless `allowed`: for people who may see but not act."""
    if not allowed:
        raise PermissionDenied(message)


def object_or_404(queryset, pk):
    """The object with this pk, or 404 — also for ids that are not a number.

    Every `<resource>_get_for_user` helper loads through this before it
    checks what the user may see, so a bad id never becomes a 500.
    """
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404(NOT_FOUND) from None


def hide_unless(visible: bool) -> None:
    """Raise 404 unless `visible`: never reveal that an object exists."""
    if not visible:
        raise Http404(NOT_FOUND)
