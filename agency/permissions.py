"""Cross-cutting permission vocabulary.

Each resource has ONE helper that every view, download and service goes
through (`client_get_for_user`, `plan_get_for_user`, ...), living in that
app's selectors. This module holds what those helpers share: the role sets
and the rule that who may not see gets 404 while who sees but may not act
gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .roles import ACCOUNT_SERVICE, SEES_ALL, Role

NOT_FOUND = _("Not found.")
NOT_ALLOWED = _("You may not do this.")


def is_account_service(role: str | None) -> bool:
    return role in ACCOUNT_SERVICE


def sees_all_clients(user) -> bool:
    """MD and BD see every client and everything under it."""
    return user.is_authenticated and user.role in SEES_ALL


def is_finance(user) -> bool:
    return user.is_authenticated and user.role == Role.FINANCE


def is_md(user) -> bool:
    return user.is_authenticated and user.role == Role.MD


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
