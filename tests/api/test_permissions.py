"""The API has exactly the UI's rights: a walk of every endpoint as each role
of the cast, on the cast's own client and on the other client, compared with
what the UI answers the same person for the same object."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from billing.models import Payment, TimeEntry
from billing.selectors import timesheet_clients_for
from billing.services import ERR_NOT_ON_TEAM

from .conftest import payments_of

ROLES = [
    "ad",
    "am",
    "ae",
    "cd",
    "copywriter",
    "planner",
    "media",
    "traffic",
    "bd",
    "md",
    "finance",
    "outsider",
    "crossover",
]
SIDES = ["own", "foreign"]


def _time_ui_url(entry):
    # The UI shows a time entry on its owner's timesheet, and to whoever sees
    # the client's profitability (its time export).
    return reverse("billing:time_export", args=[entry.client_id, "csv"]) + "?year=2027"


# (API basename, the object on a side of the world, the UI page of that object)
RESOURCES = [
    ("client", lambda s: s.client, lambda o: o.get_absolute_url()),
    ("plan", lambda s: s.plan, lambda o: o.get_absolute_url()),
    ("brief", lambda s: s.brief, lambda o: o.get_absolute_url()),
    ("brief", lambda s: s.briefed, lambda o: o.get_absolute_url()),
    ("meeting", lambda s: s.meeting, lambda o: o.get_absolute_url()),
    ("meeting", lambda s: s.presentation, lambda o: o.get_absolute_url()),
    ("invoice", lambda s: s.invoice, lambda o: o.get_absolute_url()),
    ("time-entry", lambda s: s.entry, _time_ui_url),
]


def ui_status(client, user, obj, url):
    if isinstance(obj, TimeEntry) and obj.user_id == user.pk:
        return 200
    client.force_login(user)
    status = client.get(url).status_code
    client.logout()
    return status


@pytest.mark.parametrize("who", ROLES)
def test_every_detail_endpoint_answers_as_the_ui_does(cast, world, api_as, client, who):
    user = getattr(cast, who)
    api = api_as(user, ApiToken.Scope.READ)
    seen = []
    for side in SIDES:
        for basename, get, ui_url in RESOURCES:
            obj = get(getattr(world, side))
            expected = ui_status(client, user, obj, ui_url(obj))
            assert expected in (200, 404), (who, side, basename, expected)
            response = api.get(reverse(f"api:{basename}-detail", args=[obj.pk]))
            assert response.status_code == expected, (who, side, basename, response.data)
            if expected == 200:
                assert response.data["id"] == obj.pk
            seen.append(expected)
    assert 200 in seen  # everybody in the cast sees something


@pytest.mark.parametrize("who", ROLES)
def test_every_list_endpoint_holds_exactly_what_the_ui_shows(cast, world, api_as, client, who):
    user = getattr(cast, who)
    api = api_as(user, ApiToken.Scope.READ)
    for basename in {r[0] for r in RESOURCES}:
        walk = [
            (get(getattr(world, side)), ui_url)
            for side in SIDES
            for name, get, ui_url in RESOURCES
            if name == basename
        ]
        response = api.get(reverse(f"api:{basename}-list"), {"page_size": 200})
        assert response.status_code == 200
        listed = {row["id"] for row in response.data["results"]}
        visible = {o.pk for o, url in walk if ui_status(client, user, o, url(o)) == 200}
        assert listed & {o.pk for o, _url in walk} == visible, (who, basename)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_recording_a_payment_is_refused_as_on_the_invoice_page(
    cast, world, api_as, client, who, side
):
    user = getattr(cast, who)
    invoice = getattr(world, side).invoice
    data = {"date": timezone.localdate().isoformat(), "amount": "1.00", "method": "bank"}
    client.force_login(user)
    ui = client.post(reverse("billing:payment_add", args=[invoice.pk]), data).status_code
    client.logout()
    before = payments_of(invoice)
    response = api_as(user).post(
        reverse("api:invoice-payments", args=[invoice.pk]), data, format="json"
    )
    if ui == 302:  # recorded
        assert response.status_code == 201, response.data
        assert len(payments_of(invoice)) == len(before) + 1
    else:
        assert response.status_code == ui, (who, side, ui, response.data)
        assert payments_of(invoice) == before


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("side", SIDES)
def test_logging_time_is_allowed_only_on_clients_of_ones_teams(cast, world, api_as, who, side):
    user = getattr(cast, who)
    target = getattr(world, side).client
    before = TimeEntry.objects.count()
    response = api_as(user).post(
        reverse("api:time-entry-list"),
        {"client": target.pk, "date": "2027-03-02", "hours": "1.5", "activity": "meeting"},
        format="json",
    )
    if timesheet_clients_for(user).filter(pk=target.pk).exists():
        assert response.status_code == 201, response.data
        assert response.data["user"]["id"] == user.pk
        assert TimeEntry.objects.count() == before + 1
    else:
        assert response.status_code == 400
        assert response.data["detail"] == str(ERR_NOT_ON_TEAM)
        assert TimeEntry.objects.count() == before


def test_an_ae_sees_only_their_accounts(cast, world, api_as):
    api = api_as(cast.ae)
    for basename in ("client", "plan", "brief", "meeting", "invoice"):
        clients = {
            (row["client"] or {}).get("id") if basename != "client" else row["id"]
            for row in api.get(reverse(f"api:{basename}-list")).data["results"]
        }
        assert clients == {cast.client.pk}, basename
    assert api.get(reverse("api:client-detail", args=[cast.other_client.pk])).status_code == 404


def test_finance_sees_no_plans_or_briefs_but_every_invoice(cast, world, api_as):
    api = api_as(cast.finance)
    assert api.get(reverse("api:plan-list")).data["results"] == []
    assert api.get(reverse("api:brief-list")).data["results"] == []
    assert api.get(reverse("api:plan-detail", args=[world.own.plan.pk])).status_code == 404
    assert api.get(reverse("api:brief-detail", args=[world.own.briefed.pk])).status_code == 404
    invoices = {row["id"] for row in api.get(reverse("api:invoice-list")).data["results"]}
    assert invoices == {world.own.invoice.pk, world.foreign.invoice.pk}


def test_a_creative_sees_a_brief_only_once_briefed(cast, world, api_as):
    api = api_as(cast.copywriter)
    assert api.get(reverse("api:brief-detail", args=[world.own.brief.pk])).status_code == 404
    assert api.get(reverse("api:brief-detail", args=[world.own.briefed.pk])).status_code == 200


def test_an_am_may_not_record_a_payment_403_and_nothing_changes(cast, world, api_as):
    invoice = world.own.invoice
    before = payments_of(invoice)
    response = api_as(cast.am).post(
        reverse("api:invoice-payments", args=[invoice.pk]),
        {"date": "2027-02-01", "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 403
    assert payments_of(invoice) == before
    assert Payment.objects.filter(invoice=invoice).count() == len(before)


def test_the_outsider_gets_404_for_the_payment_of_another_clients_invoice(cast, world, api_as):
    invoice = world.own.invoice
    before = payments_of(invoice)
    response = api_as(cast.outsider).post(
        reverse("api:invoice-payments", args=[invoice.pk]),
        {"date": "2027-02-01", "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 404
    assert payments_of(invoice) == before


def test_no_endpoint_answers_without_authentication(world):
    from rest_framework.test import APIClient

    anonymous = APIClient()
    for basename in ("client", "plan", "brief", "meeting", "invoice", "time-entry"):
        response = anonymous.get(reverse(f"api:{basename}-list"))
        assert response.status_code == 401, basename
        assert response["WWW-Authenticate"] == "Bearer"
    assert anonymous.get(reverse("api:schema")).status_code == 401
    assert dt
