"""Re-presentation hours: ONE definition (time entries of activity
"Re-presentation"), the same figure on the client page and on profitability;
a re-presentation entry may name one of its own client's rounds."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from billing import services
from billing.models import TimeEntry
from billing.selectors import profitability_for, representation_summary
from tests.helpers import assert_refused

from .factories import CostRateFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 3, 1)
REP = TimeEntry.Activity.REPRESENTATION


def failed_round(client, organiser, cause="strategy_unclear"):
    """A presentation round of `client` that failed for `cause`."""
    from meetings.models import PresentationRound
    from tests.meetings.factories import presentation_meeting

    _meeting, round_ = presentation_meeting(client=client, organiser=organiser)
    fields = {
        "failure_cause": cause,
        "failure_note": "The client asked for another direction.",
        "outcome": PresentationRound.Outcome.REVISE,
    }
    PresentationRound.objects.filter(pk=round_.pk).update(**fields)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def representations(cast):
    CostRateFactory(role="am", rate=Decimal("300.00"), effective_from=dt.date(2027, 1, 1))
    CostRateFactory(role="ae", rate=Decimal("200.00"), effective_from=dt.date(2027, 1, 1))
    strategy = failed_round(cast.client, cast.am, "strategy_unclear")
    changed = failed_round(cast.client, cast.am, "client_changed")
    for user, day, hours, activity, round_ in [
        (cast.am, dt.date(2027, 2, 1), "2.50", REP, strategy),  # 750
        (cast.ae, dt.date(2027, 2, 2), "3.00", REP, strategy),  # 600
        (cast.ae, dt.date(2027, 5, 2), "1.25", REP, changed),  # 250
        (cast.am, dt.date(2027, 6, 1), "1.00", REP, None),  # 300, no round named
        (cast.am, dt.date(2027, 6, 1), "4.00", TimeEntry.Activity.MEETING, None),  # not a re-pres.
        (cast.am, dt.date(2026, 12, 31), "8.00", REP, None),  # last year
    ]:
        TimeEntryFactory(
            user=user,
            client=cast.client,
            date=day,
            hours=Decimal(hours),
            activity=activity,
            presentation_round=round_,
        )
    TimeEntryFactory(user=cast.outsider, client=cast.other_client, date=dt.date(2027, 2, 1))
    return strategy, changed


@time_machine.travel(dt.datetime(2027, 12, 31, 4, 0, tzinfo=dt.UTC), tick=False)
def test_the_client_panel_shows_the_same_re_presentation_figure_as_profitability(
    cast, as_user, representations
):
    (p,) = profitability_for(cast.finance, year=2027, clients=[cast.client])
    assert (p.representation_hours, p.representation_cost) == (Decimal("7.75"), Decimal("1900.00"))
    summary = representation_summary([cast.client.pk], dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert summary[cast.client.pk].cost == p.representation_cost
    html = as_user(cast.finance).get(cast.client.get_absolute_url()).content.decode()
    assert "Re-presentations in 2027 so far" in html
    assert "<span data-representation-cost>1,900.00</span>" in html
    assert "7.75 h" in html
    profit = as_user(cast.finance).get(
        reverse("billing:profitability_client", args=[cast.client.pk]), {"year": 2027}
    )
    assert "1,900.00" in profit.content.decode()


@time_machine.travel(dt.datetime(2027, 12, 31, 4, 0, tzinfo=dt.UTC), tick=False)
def test_the_client_panel_tells_re_presentation_cost_by_cause(cast, as_user, representations):
    (p,) = profitability_for(cast.finance, year=2027, clients=[cast.client])
    assert [(c.label, c.hours, c.cost) for c in p.representation_by_cause] == [
        ("Strategy unclear", Decimal("5.50"), Decimal("1350.00")),
        ("Cause not recorded", Decimal("1.00"), Decimal("300.00")),
        ("Client changed direction", Decimal("1.25"), Decimal("250.00")),
    ]
    html = as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    assert "Strategy unclear" in html and "1,350.00" in html
    # those who do not see billing do not see its cost either
    html = as_user(cast.copywriter).get(cast.client.get_absolute_url()).content.decode()
    assert "data-representation-cost" not in html


def _row(client, round_, activity=REP):
    return {
        "week": MONDAY.isoformat(),
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-client": str(client.pk),
        "rows-0-activity": activity,
        "rows-0-presentation_round": str(round_.pk),
        "rows-0-d0": "2",
    }


def test_the_timesheet_names_a_round_of_the_rows_client(cast, as_user):
    round_ = failed_round(cast.client, cast.am)
    c = as_user(cast.am)
    page = c.get(reverse("billing:timesheet"), {"week": MONDAY.isoformat()})
    options = page.context["formset"].forms[0].fields["presentation_round"].widget.choices
    assert options == [("", "—"), ("Huayuan", [(round_.pk, f"{round_.presentation} – 1")])]
    assert c.post(reverse("billing:timesheet"), _row(cast.client, round_)).status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.presentation_round, entry.hours, entry.role) == (round_, Decimal("2.00"), "am")
    # the week comes back with the round selected in its row
    page = c.get(reverse("billing:timesheet"), {"week": MONDAY.isoformat()})
    assert page.context["formset"].initial[0]["presentation_round"] == round_.pk


def test_another_clients_round_is_refused_by_the_form_and_by_the_service(cast, as_user):
    theirs = failed_round(cast.other_client, cast.outsider)
    c = as_user(cast.am)
    # a hand-made POST with the other client's round id: a form error, nothing saved
    response = c.post(reverse("billing:timesheet"), _row(cast.client, theirs))
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["presentation_round"]
    assert not TimeEntry.objects.exists()
    # the service refuses it on its own too
    rows = [
        {
            "client": cast.client,
            "activity": REP,
            "presentation_round": theirs,
            "hours": [Decimal(1), *[None] * 6],
        }
    ]
    assert_refused(
        services.timesheet_week_save,
        services.ERR_ROUND_OTHER_CLIENT,
        actor=cast.am,
        monday=MONDAY,
        rows=rows,
    )
    assert_refused(
        services.time_entry_record,
        services.ERR_ROUND_OTHER_CLIENT,
        actor=cast.am,
        client=cast.client,
        date=MONDAY,
        hours=Decimal(1),
        activity=REP,
        presentation_round=theirs,
    )
    assert not TimeEntry.objects.exists()


def test_only_re_presentation_hours_name_a_round(cast, as_user):
    round_ = failed_round(cast.client, cast.am)
    c = as_user(cast.am)
    response = c.post(reverse("billing:timesheet"), _row(cast.client, round_, activity="meeting"))
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["presentation_round"]
    assert_refused(
        services.time_entry_record,
        services.ERR_ROUND_NOT_REPRESENTATION,
        actor=cast.am,
        client=cast.client,
        date=MONDAY,
        hours=Decimal(1),
        activity="meeting",
        presentation_round=round_,
    )
    assert not TimeEntry.objects.exists()
