"""A user's signed-in sessions: recorded at login, listed, ended.

Deactivating a user (admin or any service saving is_active=False) ends every
session of theirs and sends `user_deactivated`, on which the api app revokes
their tokens (accounts sits below api, so it does not import it).
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.permissions import deny_unless

from .models import User, UserSession

ERR_CURRENT_SESSION = _("This is the session you are using; log out instead.")

# Sent (sender=User, user=..., actor=...) after a user was deactivated.
user_deactivated = Signal()


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in)
def _record_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key).delete()


def sessions_for_user(user):
    """The user's live sessions (expired or logged-out ones are dropped)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    return UserSession.objects.filter(user=user)


@transaction.atomic
def session_end(*, actor, user_session: UserSession, current_key: str) -> None:
    deny_unless(user_session.user_id == actor.pk)
    if user_session.session_key == current_key:
        raise DomainError(ERR_CURRENT_SESSION)
    Session.objects.filter(session_key=user_session.session_key).delete()
    user_session.delete()


@transaction.atomic
def sessions_end_others(*, actor, current_key: str) -> int:
    rows = UserSession.objects.filter(user=actor).exclude(session_key=current_key)
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    return len(keys)


def sessions_end_all(user) -> None:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()


@receiver(pre_save, sender=User)
def _note_was_active(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "is_active" not in update_fields:
        instance._was_active = False  # e.g. last_login at sign-in: no query
        return
    instance._was_active = (
        bool(instance.pk) and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=User)
def _end_deactivated(sender, instance, created, **kwargs):
    if getattr(instance, "_was_active", False) and not instance.is_active:
        sessions_end_all(instance)
        user_deactivated.send(sender=User, user=instance)
