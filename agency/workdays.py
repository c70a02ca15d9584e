"""Working days in mainland China: THE answer for every "business day" rule.

    is_workday(day)               the official calendar, with its 调休 make-up days
    add_workdays(day, n)          the n-th working day after `day`
    workdays_between(a, b)        working days after a, up to and including b
    is_provisional(year)          the official calendar for `year` is not known yet
    missing_next_year(today)      from 1 November: next year's calendar is missing

Sources, in order: the admin's WorkdayOverride rows (a late notice, a local
holiday), then the `chinesecalendar` package (the State Council's holiday
notices, kept current by its maintainers), then — for a year the package does
not know — Monday to Friday, marked provisional so admins can be told.

Reminders ask this through agency.reminders.base (invoice not issued after 1
working day, approval waiting after 2 working days...). Overrides are cached
for a few minutes and dropped when one is saved, so a sweep over thousands of
objects costs one query at most.
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar
from django.core.cache import cache

CACHE_KEY = "agency:workday-overrides"
CACHE_SECONDS = 300
ONE_DAY = dt.timedelta(days=1)


def _overrides() -> dict[dt.date, bool]:
    overrides = cache.get(CACHE_KEY)
    if overrides is None:
        from .models import WorkdayOverride

        overrides = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
        cache.set(CACHE_KEY, overrides, CACHE_SECONDS)
    return overrides


def forget_overrides() -> None:
    cache.delete(CACHE_KEY)


@lru_cache(maxsize=64)
def _known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_provisional(year: int) -> bool:
    """True when the official calendar of `year` is unknown: weekends only."""
    return not _known(year)


def missing_next_year(today: dt.date) -> int | None:
    """From 1 November, the coming year if its calendar is missing (for the admin banner)."""
    if today.month < 11:
        return None
    year = today.year + 1
    if not is_provisional(year):
        return None
    from .models import WorkdayOverride

    # Admins who entered the notice by hand have at least one row for that year.
    if WorkdayOverride.objects.filter(date__year=year).exists():
        return None
    return year


def is_workday(day: dt.date, *, overrides: dict | None = None) -> bool:
    overrides = _overrides() if overrides is None else overrides
    if day in overrides:
        return overrides[day]
    if _known(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n >= 1); `day` itself never counts."""
    if n < 1:
        raise ValueError("n must be at least 1")
    overrides = _overrides()
    counted = 0
    while counted < n:
        day += ONE_DAY
        if is_workday(day, overrides=overrides):
            counted += 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start`, up to and including `end` (0 if end <= start)."""
    overrides = _overrides()
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_workday(day, overrides=overrides):
            count += 1
    return count
