import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from agency.errors import DomainError
from billing import services
from billing.models import TimeEntry, TimesheetLock

from .factories import TimeEntryFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 3, 1)


def _post(client_id, activity="meeting", hours=("", "", "", "", "", "", ""), extra=None, n=1):
    data = {
        "week": MONDAY.isoformat(),
        "rows-TOTAL_FORMS": str(n),
        "rows-INITIAL_FORMS": "0",
        "rows-0-client": str(client_id),
        "rows-0-activity": activity,
    }
    for i, h in enumerate(hours):
        data[f"rows-0-d{i}"] = h
    data.update(extra or {})
    return data


def test_a_whole_week_is_saved_at_once(cast, as_user):
    c = as_user(cast.copywriter)
    data = _post(cast.client.pk, "production", ("8", "7.5", "", "0.25", "", "", ""))
    data.update(
        {
            "rows-TOTAL_FORMS": "2",
            "rows-1-client": str(cast.client.pk),
            "rows-1-activity": "meeting",
            "rows-1-d2": "2",
        }
    )
    response = c.post(reverse("billing:timesheet"), data)
    assert response.status_code == 302
    entries = TimeEntry.objects.filter(user=cast.copywriter).order_by("date")
    assert [(e.date.day, e.hours, e.activity) for e in entries] == [
        (1, Decimal("8.00"), "production"),
        (2, Decimal("7.50"), "production"),
        (3, Decimal("2.00"), "meeting"),
        (4, Decimal("0.25"), "production"),
    ]
    # the page shows the week back, one row per client and activity
    page = c.get(reverse("billing:timesheet"), {"week": "2027-03-03"})
    assert page.context["monday"] == MONDAY
    assert len(page.context["formset"].initial) == 2
    assert page.context["week_total"] == Decimal("17.75")
    # saving again with a cell cleared replaces the week, no duplicates
    response = c.post(
        reverse("billing:timesheet"),
        _post(cast.client.pk, "production", ("8", "", "", "", "", "", "")),
    )
    assert list(TimeEntry.objects.filter(user=cast.copywriter).values_list("hours", flat=True)) == [
        Decimal("8.00")
    ]


def test_time_only_on_clients_whose_team_the_user_is_on(cast, as_user):
    c = as_user(cast.copywriter)
    response = c.post(reverse("billing:timesheet"), _post(cast.other_client.pk, hours=("1",) * 7))
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["client"]
    assert not TimeEntry.objects.exists()
    with pytest.raises(DomainError):
        services.timesheet_week_save(
            actor=cast.copywriter,
            monday=MONDAY,
            rows=[{"client": cast.other_client, "activity": "plan", "hours": [Decimal(1)] * 7}],
        )
    # finance is on no team: nothing to log on
    page = as_user(cast.finance).get(reverse("billing:timesheet"))
    assert page.context["has_clients"] is False


def test_bad_hours_are_form_errors_not_500s(cast, as_user):
    c = as_user(cast.am)
    for bad in ("-1", "25", "abc", "1e9"):
        response = c.post(
            reverse("billing:timesheet"), _post(cast.client.pk, hours=(bad, "", "", "", "", "", ""))
        )
        assert response.status_code == 200
    assert not TimeEntry.objects.exists()
    response = c.post(
        reverse("billing:timesheet"),
        _post(
            cast.client.pk,
            hours=("20", "", "", "", "", "", ""),
            extra={
                "rows-TOTAL_FORMS": "2",
                "rows-1-client": str(cast.client.pk),
                "rows-1-activity": "plan",
                "rows-1-d0": "5",
            },
        ),
        follow=True,
    )
    assert "More than 24 hours on 2027-03-01." in response.content.decode()
    assert not TimeEntry.objects.exists()
    assert c.get(reverse("billing:timesheet"), {"week": "0001-01-01"}).status_code == 200
    assert c.get(reverse("billing:timesheet"), {"week": "garbage"}).status_code == 200


def test_locked_time_cannot_be_changed(cast, as_user):
    TimeEntryFactory(user=cast.am, client=cast.client, date=MONDAY, hours=Decimal("3"))
    TimesheetLock.objects.create(locked_through=MONDAY)
    c = as_user(cast.am)
    response = c.post(
        reverse("billing:timesheet"),
        _post(cast.client.pk, hours=("5", "", "", "", "", "", "")),
        follow=True,
    )
    assert "is locked" in response.content.decode()
    assert TimeEntry.objects.get().hours == Decimal("3.00")
    # the unlocked days of the same week can still be filled in
    response = c.post(
        reverse("billing:timesheet"), _post(cast.client.pk, hours=("3", "4", "", "", "", "", ""))
    )
    assert response.status_code == 302
    assert TimeEntry.objects.count() == 2


@time_machine.travel(dt.datetime(2027, 3, 3, 4, 0, tzinfo=dt.UTC), tick=False)
def test_timesheet_defaults_to_this_week(cast, as_user):
    page = as_user(cast.ae).get(reverse("billing:timesheet"))
    assert page.context["monday"] == MONDAY
    assert "2027-03-01" in page.content.decode()


def test_a_single_entry_follows_the_grid_rules_and_the_grid_keeps_it(cast, as_user):
    entry = services.time_entry_record(
        actor=cast.am,
        client=cast.client,
        date=MONDAY,
        hours=Decimal("1.50"),
        activity=TimeEntry.Activity.MEETING,
        note="Kick-off",
    )
    assert entry.role == "am"
    # the grid shows it in its row; saving the week with that row unchanged keeps it
    c = as_user(cast.am)
    page = c.get(reverse("billing:timesheet"), {"week": MONDAY.isoformat()})
    assert page.context["formset"].initial == [
        {"client": cast.client.pk, "activity": "meeting", "presentation_round": None, "d0": 1.5}
    ]
    data = _post(cast.client.pk, "meeting", ("1.5", "", "", "", "", "", ""))
    data.update(
        {
            "rows-TOTAL_FORMS": "2",
            "rows-INITIAL_FORMS": "1",
            "rows-1-client": str(cast.client.pk),
            "rows-1-activity": "plan",
            "rows-1-d0": "2",
        }
    )
    assert c.post(reverse("billing:timesheet"), data).status_code == 302
    assert TimeEntry.objects.filter(user=cast.am).count() == 2
    assert TimeEntry.objects.get(pk=entry.pk).note == "Kick-off"
    # a client not on the team, over 24 h: refused
    for kwargs in (
        {"client": cast.other_client, "hours": Decimal(1)},
        {"client": cast.client, "hours": Decimal("20.75")},
    ):
        with pytest.raises(DomainError):
            services.time_entry_record(
                actor=cast.am, date=MONDAY, activity=TimeEntry.Activity.MEETING, **kwargs
            )
    assert TimeEntry.objects.filter(user=cast.am).count() == 2


@pytest.mark.parametrize("hours", [Decimal("-1"), Decimal("24.25"), Decimal("0")])
def test_the_time_services_refuse_bad_hours_themselves(cast, hours):
    """The form is not the only guard: a negative or over-24 cell posted to the
    service is a DomainError (a message), not a database error (a 500)."""
    if hours:  # in the grid a 0 cell is simply no entry
        rows = [{"client": cast.client, "activity": "plan", "hours": [hours, *[None] * 6]}]
        with pytest.raises(DomainError):
            services.timesheet_week_save(actor=cast.am, monday=MONDAY, rows=rows)
    with pytest.raises(DomainError):
        services.time_entry_record(
            actor=cast.am, client=cast.client, date=MONDAY, hours=hours, activity="plan"
        )
    assert not TimeEntry.objects.exists()


def test_the_time_services_refuse_an_unknown_activity(cast):
    with pytest.raises(DomainError):
        services.timesheet_week_save(
            actor=cast.am,
            monday=MONDAY,
            rows=[{"client": cast.client, "activity": "golf", "hours": [Decimal(1)] * 7}],
        )
    with pytest.raises(DomainError):
        services.time_entry_record(
            actor=cast.am, client=cast.client, date=MONDAY, hours=Decimal(1), activity="golf"
        )
    assert not TimeEntry.objects.exists()


def test_timesheet_page_queries_do_not_grow_with_rows(cast, as_user, django_assert_max_num_queries):
    from tests.factories import ClientFactory, MembershipFactory

    c = as_user(cast.am)
    for n in (1, 12):
        for _i in range(n):
            client = ClientFactory()
            MembershipFactory(client=client, user=cast.am, team_role="am")
            TimeEntryFactory(user=cast.am, client=client, date=MONDAY, hours=Decimal(1))
        with django_assert_max_num_queries(8):
            page = c.get(reverse("billing:timesheet"), {"week": MONDAY.isoformat()})
    html = page.content.decode()
    assert len(page.context["formset"].forms) == 14  # 13 rows + 1 blank
    assert html.count(" selected>") >= 13 * 2  # each row's client and activity
    assert f'<option value="{client.pk}" selected>{client}</option>' in html


def test_hours_on_a_client_whose_team_the_user_left_are_kept_and_do_not_block_the_week(
    cast, as_user
):
    from accounts.models import TeamMembership

    TimeEntryFactory(
        user=cast.copywriter, client=cast.client, date=MONDAY, hours=Decimal("3"), activity="plan"
    )
    TeamMembership.objects.filter(client=cast.client, user=cast.copywriter).delete()
    c = as_user(cast.copywriter)
    page = c.get(reverse("billing:timesheet"), {"week": MONDAY.isoformat()})
    html = page.content.decode()
    assert f'<option value="{cast.client.pk}" selected>' in html
    data = _post(cast.client.pk, "plan", ("3", "", "", "", "", "", ""))
    data["rows-INITIAL_FORMS"] = "1"
    # the old row posted back as it is: saved, and the hours are still there
    response = c.post(reverse("billing:timesheet"), data)
    assert response.status_code == 302
    assert TimeEntry.objects.get(user=cast.copywriter).hours == Decimal("3.00")
    # but they can no longer be changed, nor removed, nor added to
    for hours in (("4", "", "", "", "", "", ""), ("3", "1", "", "", "", "", "")):
        response = c.post(
            reverse("billing:timesheet"),
            {**data, **_post(cast.client.pk, "plan", hours), "rows-INITIAL_FORMS": "1"},
            follow=True,
        )
        assert (
            "You can only log time on clients whose team you are on." in response.content.decode()
        )
    response = c.post(reverse("billing:timesheet"), {**data, "rows-0-DELETE": "on"}, follow=True)
    assert "You can only log time on clients whose team you are on." in response.content.decode()
    assert TimeEntry.objects.get(user=cast.copywriter).hours == Decimal("3.00")
