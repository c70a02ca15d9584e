"""The building blocks of a reminder rule; the rules live in `<app>/reminders.py`.

A rule answers three questions:

* which objects are due now, through an indexed query that reads only due
  objects (`due(now)` yields `Due(obj, occurrence)`), skipping occurrences
  already in the reminder log;
* who receives it (`recipients(obj, occurrence)`);
* its occurrence key, which together with the kind and the object is the
  unique key of `ReminderLog`: "overdue-30", "before-24h", "2026-11-27"...

`still_due(obj, occurrence, now)` is asked again before a failed or expired
claim is retried, so a paid invoice or a cancelled meeting is not chased.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from agency.models import ReminderLog
from agency.workdays import add_workdays, is_workday

# Date-based steps fire on their local day and, should the sweep have been down,
# on the GRACE_DAYS days after (never once the next step has begun).
GRACE_DAYS = 2
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Due:
    obj: object
    occurrence: str


class Rule:
    kind: str = ""  # the log's kind and the email template name: emails/reminders/<kind>_*
    label = ""  # shown on the object page: "Overdue invoice reminder"

    @property
    def template(self) -> str:
        return f"reminders/{self.kind}"

    def due(self, now: dt.datetime) -> Iterable[Due]:
        raise NotImplementedError

    def recipients(self, obj, occurrence: str) -> list:
        raise NotImplementedError

    def still_due(self, obj, occurrence: str, now: dt.datetime) -> bool:
        return True

    def context(self, obj, occurrence: str) -> dict:
        return {"obj": obj, "occurrence": occurrence}

    def step_label(self, occurrence: str) -> str:
        """Which step, for the object's page ("30 days overdue"); "" if obvious."""
        return ""

    def url(self, obj) -> str:
        """The link in the email and the inbox: the object's page."""
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""

    def get_object(self, object_id: int):
        return self.queryset().filter(pk=object_id).first()

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    # helpers for due() -------------------------------------------------------

    def not_logged(self, qs: QuerySet, occurrence: str) -> QuerySet:
        """Drop objects whose (kind, occurrence) is already in the log.

        An anti-join on the log's unique index, so a sweep run every few
        minutes reads the due objects once and then nothing.
        """
        ct = ContentType.objects.get_for_model(qs.model)
        logged = ReminderLog.objects.filter(
            kind=self.kind, content_type=ct, object_id=OuterRef("pk"), occurrence=occurrence
        )
        return qs.filter(~Exists(logged))

    def logged(self, objects) -> set[tuple[int, str]]:
        """(object id, occurrence) pairs already in the log, in one query."""
        objects = list(objects)
        if not objects:
            return set()
        ct = ContentType.objects.get_for_model(objects[0])
        return set(
            ReminderLog.objects.filter(
                kind=self.kind, content_type=ct, object_id__in=[o.pk for o in objects]
            ).values_list("object_id", "occurrence")
        )


# Calendar helpers -----------------------------------------------------------
# "Business day" means a working day of the official Chinese calendar, with
# its public holidays and make-up working days (agency.workdays).


def is_business_day(day: dt.date) -> bool:
    return is_workday(day)


def add_business_days(moment: dt.datetime, days: int) -> dt.datetime:
    """`moment` plus `days` working days, at the same local time of day.

    A moment on a day off counts from the start of the next working day: a
    request made during the Spring Festival waits until people are back.
    """
    local = timezone.localtime(moment)
    if not is_workday(local.date()):
        next_day = add_workdays(local.date(), 1)
        local = timezone.make_aware(dt.datetime.combine(next_day, dt.time.min))
    if days < 1:
        return local
    target = add_workdays(local.date(), days)
    return timezone.make_aware(dt.datetime.combine(target, local.time().replace(tzinfo=None)))


def local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
