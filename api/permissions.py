"""Which requests an authenticated caller may make at all.

What a user may see or do with a resource is never decided here: the views
ask the owning app's selectors (404) and access objects (403).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiToken

ERR_READ_ONLY_TOKEN = _("This API token is read only.")


class ActiveUser(permissions.IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_active


class TokenScope(permissions.BasePermission):
    """A read-only token may only read; a session (the docs page) may write."""

    message = ERR_READ_ONLY_TOKEN

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        if isinstance(token, ApiToken):
            return token.can_write
        return True
