"""Bad input never gives a 500: a 400 with a message, and nothing changed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api.serializers import ERR_DECIMAL_AS_STRING
from billing.models import Payment, TimeEntry
from billing.services import (
    ERR_BAD_HOURS,
    ERR_DAY_OVER_24,
    ERR_NOT_ON_TEAM,
    ERR_OVERPAYMENT,
    ERR_ROUND_NOT_REPRESENTATION,
    ERR_ROUND_OTHER_CLIENT,
)
from tests.helpers import unchanged

TODAY = timezone.localdate().isoformat()


@pytest.fixture
def ae_api(cast, api_as):
    return api_as(cast.ae)


def _entry(cast, **over):
    data = {"client": cast.client.pk, "date": "2027-03-02", "hours": "2", "activity": "meeting"}
    data.update(over)
    return data


def _post_entry(api, data):
    before = TimeEntry.objects.count()
    response = api.post(reverse("api:time-entry-list"), data, format="json")
    assert response.status_code == 400, response.data
    assert TimeEntry.objects.count() == before
    return response.data


@pytest.mark.parametrize("bad", ["2027-13-45", "yesterday", "", None, 20270302])
def test_time_entry_with_a_bad_date(cast, ae_api, bad):
    errors = _post_entry(ae_api, _entry(cast, date=bad))
    assert errors["date"]


@pytest.mark.parametrize("hours", ["-1", "0", "24.5"])
def test_time_entry_hours_out_of_range_refused_by_the_service(cast, ae_api, hours):
    assert _post_entry(ae_api, _entry(cast, hours=hours))["detail"] == str(ERR_BAD_HOURS)


@pytest.mark.parametrize("hours", ["abc", "1.234", "1e400", True])
def test_time_entry_hours_that_are_not_a_number(cast, ae_api, hours):
    assert _post_entry(ae_api, _entry(cast, hours=hours))["hours"]


def test_time_entry_hours_as_a_json_float_are_refused(cast, ae_api):
    errors = _post_entry(ae_api, _entry(cast, hours=1.5))
    assert errors["hours"] == [str(ERR_DECIMAL_AS_STRING)]


def test_time_entry_over_24_hours_a_day(cast, ae_api):
    ae_api.post(reverse("api:time-entry-list"), _entry(cast, hours="20"), format="json")
    errors = _post_entry(ae_api, _entry(cast, hours="5"))
    assert errors["detail"] == ERR_DAY_OVER_24 % {"date": "2027-03-02"}


@pytest.mark.parametrize("client_id", [999999, "abc", None])
def test_time_entry_on_an_unknown_client(cast, ae_api, client_id):
    assert _post_entry(ae_api, _entry(cast, client=client_id))["client"]


def test_time_entry_on_another_clients_team(cast, ae_api):
    errors = _post_entry(ae_api, _entry(cast, client=cast.other_client.pk))
    assert errors["detail"] == str(ERR_NOT_ON_TEAM)


def test_time_entry_naming_a_round_the_user_does_not_see(cast, world, ae_api):
    # the other client's round: for this user it does not exist
    errors = _post_entry(
        ae_api,
        _entry(cast, activity="representation", presentation_round=world.foreign.round.pk),
    )
    assert errors["presentation_round"]


def test_time_entry_naming_another_clients_round(cast, world, api_as):
    # the crossover member sees both clients' meetings; the round must be this client's
    api = api_as(cast.crossover)
    errors = _post_entry(
        api, _entry(cast, activity="representation", presentation_round=world.foreign.round.pk)
    )
    assert errors["detail"] == str(ERR_ROUND_OTHER_CLIENT)


def test_only_re_presentation_hours_name_a_round(cast, world, ae_api):
    errors = _post_entry(ae_api, _entry(cast, presentation_round=world.own.round.pk))
    assert errors["detail"] == str(ERR_ROUND_NOT_REPRESENTATION)


def test_time_entry_with_an_unknown_activity(cast, ae_api):
    assert _post_entry(ae_api, _entry(cast, activity="golf"))["activity"]


def test_a_good_time_entry_is_logged_with_its_link(cast, world, ae_api):
    response = ae_api.post(
        reverse("api:time-entry-list"),
        _entry(
            cast,
            hours="1.25",
            activity="representation",
            presentation_round=world.own.round.pk,
            note="Second round",
        ),
        format="json",
    )
    assert response.status_code == 201, response.data
    entry = TimeEntry.objects.get(pk=response.data["id"])
    assert (entry.user, entry.client, str(entry.hours), entry.presentation_round) == (
        cast.ae,
        cast.client,
        "1.25",
        world.own.round,
    )
    assert response.data["role"] == cast.ae.role
    assert response.data["hours"] == "1.25"


# --- Payments ----------------------------------------------------------------------


def _post_payment(api, invoice, data):
    before = list(Payment.objects.values_list("pk", flat=True))
    with unchanged(invoice):
        response = api.post(reverse("api:invoice-payments", args=[invoice.pk]), data, format="json")
    assert response.status_code == 400, response.data
    assert list(Payment.objects.values_list("pk", flat=True)) == before
    return response.data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": TODAY, "amount": 12.5}, "amount"),  # a float
        ({"date": TODAY, "amount": "-5.00"}, "amount"),
        ({"date": TODAY, "amount": "0"}, "amount"),
        ({"date": TODAY, "amount": "1.234"}, "amount"),
        ({"date": TODAY, "amount": "lots"}, "amount"),
        ({"date": "2027-02-30", "amount": "1.00"}, "date"),
        ({"date": "2999-01-01", "amount": "1.00"}, "date"),  # the invoice page's rule
        ({"amount": "1.00"}, "date"),
        ({"date": TODAY, "amount": "1.00", "method": "bitcoin"}, "method"),
    ],
)
def test_bad_payments_are_400_with_a_message(cast, world, api_as, data, field):
    errors = _post_payment(api_as(cast.finance), world.own.invoice, data)
    assert errors[field]


def test_a_float_amount_says_to_send_a_string(cast, world, api_as):
    errors = _post_payment(api_as(cast.finance), world.own.invoice, {"date": TODAY, "amount": 12.5})
    assert errors["amount"] == [str(ERR_DECIMAL_AS_STRING)]


def test_an_overpayment_is_the_services_refusal(cast, world, api_as):
    invoice = world.own.invoice
    errors = _post_payment(api_as(cast.finance), invoice, {"date": TODAY, "amount": "99999.00"})
    assert errors["detail"].startswith(str(ERR_OVERPAYMENT).split("%")[0])


def test_a_good_payment_is_recorded(cast, world, api_as):
    invoice = world.own.invoice
    response = api_as(cast.finance).post(
        reverse("api:invoice-payments", args=[invoice.pk]),
        {"date": TODAY, "amount": "100.50", "reference": "BANK-1"},
        format="json",
    )
    assert response.status_code == 201, response.data
    invoice.refresh_from_db()
    assert str(invoice.amount_paid) == "160.50"
    assert response.data["amount"] == "100.50"


def test_payment_on_an_unknown_invoice_is_404(cast, api_as):
    response = api_as(cast.finance).post(
        "/api/v1/invoices/999999/payments/", {"date": TODAY, "amount": "1.00"}
    )
    assert response.status_code == 404


# --- Reading: ids and filters ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/clients/999999/", "/api/v1/plans/abc/"])
def test_unknown_ids_are_404(cast, ae_api, path):
    assert ae_api.get(path).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "not-a-date"},
        {"date_to": "2027-02-30"},
        {"client": "abc"},
        {"status": "bogus"},
        {"cursor": "garbage"},
    ],
)
def test_bad_filters_are_400_or_404_never_500(cast, world, ae_api, params):
    response = ae_api.get(reverse("api:invoice-list"), params)
    assert response.status_code in (400, 404)
    assert response.data


def test_filters_narrow_by_client_status_and_date(cast, world, api_as):
    api = api_as(cast.md)
    url = reverse("api:invoice-list")
    ids = lambda **p: {r["id"] for r in api.get(url, p).data["results"]}  # noqa: E731
    own, foreign = world.own.invoice.pk, world.foreign.invoice.pk
    assert ids() == {own, foreign}
    assert ids(client=cast.client.pk) == {own}
    assert ids(status="issued") == {own, foreign}
    assert ids(status="draft") == set()
    assert ids(date_from="2027-01-10", date_to="2027-01-10") == {own, foreign}
    assert ids(date_from="2027-01-11") == set()
    # a filter on a client the user does not see returns nothing, never more
    outsider = api_as(cast.outsider)
    assert outsider.get(url, {"client": cast.client.pk}).data["results"] == []


def test_cursor_pagination_walks_every_row_once(cast, world, api_as):
    api = api_as(cast.md)
    seen, url = [], reverse("api:meeting-list") + "?page_size=1"
    while url:
        page = api.get(url).data
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 4
