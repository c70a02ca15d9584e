"""Keep bearer secrets out of logs.

A calendar feed URL (/meetings/calendar/feed/<token>.ics) is the login of the
feed: whoever reads the access log could subscribe to someone's meetings. The
token segment is masked in every logged URL:

- Django's loggers (django.request, django.server): `MaskSecretsFilter`,
  attached in settings.LOGGING;
- gunicorn's access log: `MaskingGunicornLogger` (gunicorn.conf.py).
"""

import logging
import re

FEED_TOKEN = re.compile(r"(/calendar/feed/)[^/\s?#\"']+?(\.ics)")
MASK = r"\1***\2"


def mask_secrets(text: str) -> str:
    return FEED_TOKEN.sub(MASK, text)


class MaskSecretsFilter(logging.Filter):
    """Rewrite a record's message with the secrets masked (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's problem, not ours
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


try:  # gunicorn is the production server; absent in some environments
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None


if _GunicornLogger is not None:

    class MaskingGunicornLogger(_GunicornLogger):
        """gunicorn's logger with the feed token masked in the access log atoms."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "q", "f", "{raw_uri}e"):
                value = atoms.get(key)
                if isinstance(value, str):
                    atoms[key] = mask_secrets(value)
            return atoms
