"""The official working-day calendar, with 调休 make-up days and admin overrides."""

import datetime as dt

import time_machine
from django.utils import timezone

from agency import workdays
from agency.models import WorkdayOverride
from agency.reminders.base import add_business_days
from tests.agency.factories import aware

D = dt.date


def test_a_make_up_saturday_is_a_working_day(db):
    assert workdays.is_workday(D(2026, 2, 14))  # Saturday, 调休 before the Spring Festival


def test_the_spring_festival_is_a_holiday_even_on_a_monday(db):
    assert not workdays.is_workday(D(2026, 2, 16))


def test_three_working_days_after_13_february_2026_is_25_february(db):
    assert workdays.add_workdays(D(2026, 2, 13), 3) == D(2026, 2, 25)


def test_workdays_between_counts_the_days_after_start_up_to_end(db):
    assert workdays.workdays_between(D(2026, 2, 13), D(2026, 2, 25)) == 3
    assert workdays.workdays_between(D(2026, 2, 25), D(2026, 2, 13)) == 0


def test_an_override_wins_over_the_official_calendar(db):
    WorkdayOverride.objects.create(date=D(2026, 2, 24), is_workday=False, note="outing")
    assert not workdays.is_workday(D(2026, 2, 24))
    assert workdays.add_workdays(D(2026, 2, 13), 3) == D(2026, 2, 26)
    WorkdayOverride.objects.filter(date=D(2026, 2, 24)).get().delete()
    assert workdays.is_workday(D(2026, 2, 24))


def test_a_year_the_package_does_not_know_is_provisional_with_weekends_only(db):
    assert not workdays.is_provisional(2026)
    assert workdays.is_provisional(2199)
    assert workdays.is_workday(D(2199, 1, 1)) == (D(2199, 1, 1).weekday() < 5)


def test_admins_are_told_from_1_november_when_next_years_calendar_is_missing(db, monkeypatch):
    monkeypatch.setattr(workdays, "is_provisional", lambda year: year == 2027)
    assert workdays.missing_next_year(D(2026, 10, 31)) is None
    assert workdays.missing_next_year(D(2026, 11, 1)) == 2027
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    assert workdays.missing_next_year(D(2026, 11, 1)) is None


def test_waiting_two_business_days_skips_the_spring_festival(db):
    # Submitted on the last working day before the holiday, at 10:00.
    submitted = aware(2026, 2, 14, 10, 0)
    due = add_business_days(submitted, 2)
    assert timezone.localtime(due) == aware(2026, 2, 25, 10, 0)


def test_a_request_made_on_a_holiday_waits_from_the_first_working_day(db):
    during = aware(2026, 2, 17, 15, 30)
    assert timezone.localtime(add_business_days(during, 1)) == aware(2026, 2, 25, 0, 0)


def test_the_invoice_reminder_waits_over_the_holiday(cast):
    """Requested the day before the Spring Festival: finance is chased when people are back."""
    from agency.reminders import sweep
    from tests.billing.factories import InvoiceFactory

    invoice = InvoiceFactory(client=cast.client)
    invoice.status = invoice.Status.REQUESTED
    invoice.requested_at = aware(2026, 2, 14, 10, 0)
    invoice.save()
    with time_machine.travel(aware(2026, 2, 20, 10, 0), tick=False):
        assert sweep().get("sent", 0) == 0
    with time_machine.travel(aware(2026, 2, 24, 10, 0), tick=False):
        assert sweep().get("sent", 0) == 1


def test_the_admin_banner_shows_from_1_november_when_next_year_is_missing(
    cast, client, monkeypatch
):
    from accounts.models import User

    monkeypatch.setattr(workdays, "is_provisional", lambda year: year == 2027)
    admin_user = User.objects.create_user(
        username="cast-admin", password="pw", full_name="Cast admin", role="admin"
    )
    with time_machine.travel(aware(2026, 11, 2, 9, 0), tick=False):
        client.force_login(admin_user)
        assert b"data-workday-banner" in client.get("/").content
        client.force_login(cast.am)  # not an admin: never told
        assert b"data-workday-banner" not in client.get("/").content
    with time_machine.travel(aware(2026, 10, 30, 9, 0), tick=False):
        client.force_login(admin_user)
        assert b"data-workday-banner" not in client.get("/").content
