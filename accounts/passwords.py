"""Password change with the old password's guesses throttled.

The password-change page asks for the current password: without a limit, a
borrowed session could guess it at will. After AXES_FAILURE_LIMIT wrong
guesses the page refuses every attempt (even a right one) for
AXES_COOLOFF_TIME hours, counted per user in the cache; a success resets it.
"""

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

ERR_PASSWORD_GUESSES = _("Too many wrong current passwords. Try again in %(minutes)s minutes.")


def _key(user) -> str:
    return f"password-change-failures:{user.pk}"


def _cooloff_seconds() -> int:
    return max(60, int(float(settings.AXES_COOLOFF_TIME) * 3600))


def failures(user) -> int:
    return int(cache.get(_key(user), 0))


class ThrottledPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "throttled": ERR_PASSWORD_GUESSES,
    }

    def clean_old_password(self):
        if failures(self.user) >= int(settings.AXES_FAILURE_LIMIT):
            raise self._throttled()
        try:
            value = super().clean_old_password()
        except Exception:
            key = _key(self.user)
            cache.add(key, 0, _cooloff_seconds())
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.set(key, 1, _cooloff_seconds())
            raise
        cache.delete(_key(self.user))
        return value

    def _throttled(self):
        from django import forms

        return forms.ValidationError(
            self.error_messages["throttled"],
            code="throttled",
            params={"minutes": _cooloff_seconds() // 60},
        )
