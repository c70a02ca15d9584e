"""Assertions shared by the whole suite."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied

from agency.errors import DomainError


def _same(a, b) -> bool:
    return a is b or str(a) == str(b)


def assert_refused(call, error, *args, **kwargs):
    """Call `call(*args, **kwargs)` and check it was refused with exactly `error`.

    `error` is the module's error constant (briefs.services.ERR_CLOSED...). A
    DomainError matches on its template, so a message with placeholders is
    matched before formatting; a PermissionDenied matches on its message
    (agency.permissions.NOT_ALLOWED or the service's own constant).
    Returns the exception for further checks.
    """
    with pytest.raises((DomainError, PermissionDenied)) as info:
        call(*args, **kwargs)
    exc = info.value
    if isinstance(exc, DomainError):
        assert _same(exc.template, error) or _same(exc.message, error), (
            f"refused with {exc.message!r}, expected {error!r}"
        )
    else:
        message = exc.args[0] if exc.args else ""
        assert _same(message, error), f"denied with {message!r}, expected {error!r}"
    return exc


@contextmanager
def unchanged(*objects):
    """Assert that none of `objects` changed in the database inside the block."""
    from django.forms.models import model_to_dict

    before = [model_to_dict(type(o).objects.get(pk=o.pk)) for o in objects]
    yield
    after = [model_to_dict(type(o).objects.get(pk=o.pk)) for o in objects]
    assert before == after
