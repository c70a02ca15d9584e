"""Personal API tokens: created on the token page, shown once, stored hashed,
revoked there; read-only tokens cannot write; rate-limited per token."""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api import services
from api.authentication import ERR_BAD_TOKEN, ERR_USER_INACTIVE
from api.models import ApiToken
from api.permissions import ERR_READ_ONLY_TOKEN
from api.services import ERR_ALREADY_REVOKED, ERR_NAME_REQUIRED
from billing.models import Payment, TimeEntry
from tests.helpers import assert_refused, unchanged


def bearer(raw):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_a_token_is_shown_once_and_stored_hashed(cast, client):
    client.force_login(cast.ae)
    response = client.post(reverse("api:tokens"), {"name": "BI dashboard", "scope": "read"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    raw = response.context["new_key"]
    assert raw and raw in response.content.decode()
    token = ApiToken.objects.get(user=cast.ae)
    # stored: the sha256 and a short prefix, never the key
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8] and len(token.prefix) < len(raw)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in row.values()}
    # shown once: the page lists it by name and prefix only
    again = client.get(reverse("api:tokens")).content.decode()
    assert "BI dashboard" in again and token.prefix in again
    assert raw not in again
    # and it works
    assert bearer(raw).get(reverse("api:client-list")).status_code == 200


def test_a_token_needs_a_name_and_nothing_is_created_without_one(cast, client):
    client.force_login(cast.ae)
    response = client.post(reverse("api:tokens"), {"name": "  ", "scope": "read"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()
    assert_refused(services.token_create, ERR_NAME_REQUIRED, actor=cast.ae, name=" ", scope="read")


def test_the_token_page_needs_a_login(db, client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_revoked_token_gets_401(cast, client):
    token, raw = services.token_create(actor=cast.ae, name="old", scope="write")
    assert bearer(raw).get(reverse("api:client-list")).status_code == 200
    client.force_login(cast.ae)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = bearer(raw).get(reverse("api:client-list"))
    assert response.status_code == 401
    assert response.data["detail"] == str(ERR_BAD_TOKEN)
    assert_refused(services.token_revoke, ERR_ALREADY_REVOKED, actor=cast.ae, token=token)


def test_nobody_revokes_someone_elses_token(cast, client):
    token, raw = services.token_create(actor=cast.ae, name="mine", scope="read")
    client.force_login(cast.outsider)
    with unchanged(token):
        assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert bearer(raw).get(reverse("api:client-list")).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense-token-that-does-not-exist", "Bearer", "Bearer a b", "Token abc"],
)
def test_unknown_or_malformed_tokens_get_401(db, header):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=header)
    assert c.get(reverse("api:client-list")).status_code == 401


def test_an_inactive_users_tokens_stop_working(cast):
    _token, raw = services.token_create(actor=cast.ae, name="x", scope="read")
    assert bearer(raw).get(reverse("api:client-list")).status_code == 200
    cast.ae.is_active = False
    cast.ae.save(update_fields=["is_active"])
    response = bearer(raw).get(reverse("api:client-list"))
    assert response.status_code == 401
    # Deactivating revokes the user's tokens (accounts.user_sessions); the
    # authentication refuses an inactive user's token on its own as well.
    assert response.data["detail"] in (str(ERR_BAD_TOKEN), str(ERR_USER_INACTIVE))
    # and the departed member of the cast, offboarded with a token left over
    _token, raw = services.token_create(actor=cast.departed, name="y", scope="read")
    assert bearer(raw).get(reverse("api:client-list")).status_code == 401


def test_a_read_only_token_cannot_write(cast, world, api_as):
    api = api_as(cast.ae, ApiToken.Scope.READ)
    response = api.post(
        reverse("api:time-entry-list"),
        {"client": cast.client.pk, "date": "2027-03-02", "hours": "1", "activity": "meeting"},
        format="json",
    )
    assert response.status_code == 403
    assert response.data["detail"] == str(ERR_READ_ONLY_TOKEN)
    assert not TimeEntry.objects.filter(user=cast.ae, date="2027-03-02").exists()
    finance = api_as(cast.finance, ApiToken.Scope.READ)
    before = Payment.objects.count()
    response = finance.post(
        reverse("api:invoice-payments", args=[world.own.invoice.pk]),
        {"date": "2027-02-01", "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 403
    assert Payment.objects.count() == before
    # the same token still reads
    assert api.get(reverse("api:time-entry-list")).status_code == 200


def test_a_session_reads_the_api_and_the_schema(cast, client):
    client.force_login(cast.ae)
    assert client.get(reverse("api:client-list")).status_code == 200
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200


def test_requests_are_rate_limited_per_token(cast, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/min"},
    }
    _t, first = services.token_create(actor=cast.ae, name="a", scope="read")
    _t, second = services.token_create(actor=cast.ae, name="b", scope="read")
    url = reverse("api:client-list")
    assert [bearer(first).get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = bearer(first).get(url)
    assert limited.status_code == 429
    assert "Retry-After" in limited
    # another token has its own allowance
    assert bearer(second).get(url).status_code == 200


def test_last_use_is_recorded(cast):
    token, raw = services.token_create(actor=cast.ae, name="a", scope="read")
    assert token.last_used_at is None
    bearer(raw).get(reverse("api:client-list"))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_admin_lists_tokens_without_their_hash(cast, client, django_user_model):
    token, _raw = services.token_create(actor=cast.ae, name="audit me", scope="read")
    admin_user = django_user_model.objects.create_superuser("root", "root@agency.test", "pw")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "audit me" in listing
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash not in page
