"""The one range every date and datetime the app accepts must fall in.

A date outside it (year 1, 9999-12-31 23:30) cannot be shown in the local
time zone, printed in an invoice number, or placed in a calendar, so it is
refused where it comes in:

- forms: `agency.limits.InputLimitsMixin` (through `limit_dates(form)`) adds
  `validate_in_range` to every date and datetime field, model-form fields included;
- API serializers: `agency.limits.InputLimitsSerializerMixin` does the same;
- services: `check_in_range(value)` raises a DomainError.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

MIN_YEAR = 2000
MAX_YEAR = 2100

ERR_DATE_OUT_OF_RANGE = _("Enter a date between the years %(first)s and %(last)s.")


def in_range(value) -> bool:
    """True when `value` (a date or datetime; None counts as fine) is in range."""
    if value is None:
        return True
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Judge the wall-clock year the person typed, not the UTC one.
        from django.utils import timezone

        try:
            value = timezone.localtime(value)
        except (OverflowError, ValueError):
            return False
    return MIN_YEAR <= value.year <= MAX_YEAR


def validate_in_range(value) -> None:
    """A Django validator (forms, models, DRF) for dates and datetimes."""
    if not in_range(value):
        raise ValidationError(
            ERR_DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"first": MIN_YEAR, "last": MAX_YEAR},
        )


def check_in_range(*values) -> None:
    """Services: refuse any of `values` outside the range."""
    for value in values:
        if not in_range(value):
            raise DomainError(ERR_DATE_OUT_OF_RANGE, first=MIN_YEAR, last=MAX_YEAR)


def check_year(year) -> None:
    """Services: refuse a bare year (a plan year) outside the range."""
    if year is None or not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(ERR_DATE_OUT_OF_RANGE, first=MIN_YEAR, last=MAX_YEAR)


def validate_year(value) -> None:
    """A validator for a bare year (plan years, filters)."""
    if value is not None and not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise ValidationError(
            ERR_DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"first": MIN_YEAR, "last": MAX_YEAR},
        )


def _is_date_field(field) -> bool:
    return isinstance(field, (forms.DateField, forms.DateTimeField))


def limit_dates(form) -> None:
    """Add the range validator to every date/datetime field of `form`."""
    for field in form.fields.values():
        if _is_date_field(field) and validate_in_range not in field.validators:
            field.validators.append(validate_in_range)


def safe_end(start: dt.datetime, minutes: int) -> dt.datetime:
    """`start` + `minutes`, never past what the local time zone can show.

    A stored value at the edge of the calendar (written before the range
    existed, or directly) must not make a page, .ics or feed fail.
    """
    from django.utils import timezone

    try:
        end = start + dt.timedelta(minutes=minutes)
        if timezone.is_aware(end):
            timezone.localtime(end)
        return end
    except (OverflowError, ValueError):
        return start
