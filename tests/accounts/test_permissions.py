"""Who sees and who edits a client: the permission matrix of PERMISSIONS.md."""

import pytest
from django.urls import reverse

from accounts.models import CheckIn, Client, Contact, Party, TeamMembership

from ..factories import CheckInFactory, PartyFactory


def client_urls(client, contact, party, membership, checkin):
    pk = client.pk
    return {
        "detail": reverse("accounts:client_detail", args=[pk]),
        "edit": reverse("accounts:client_edit", args=[pk]),
        "contact_create": reverse("accounts:contact_create", args=[pk]),
        "contact_edit": reverse("accounts:contact_edit", args=[pk, contact.pk]),
        "party_create": reverse("accounts:party_create", args=[pk]),
        "party_edit": reverse("accounts:party_edit", args=[pk, party.pk]),
        "membership_add": reverse("accounts:membership_add", args=[pk]),
        "membership_edit": reverse("accounts:membership_edit", args=[pk, membership.pk]),
        "checkin_add": reverse("accounts:checkin_add", args=[pk]),
        "checkin_edit": reverse("accounts:checkin_edit", args=[pk, checkin.pk]),
    }


@pytest.fixture
def setup(cast):
    party = PartyFactory(client=cast.client)
    checkin = CheckInFactory(client=cast.client, author=cast.am)
    membership = TeamMembership.objects.get(client=cast.client, user=cast.ae)
    urls = client_urls(cast.client, cast.contact, party, membership, checkin)
    return cast, urls


def db_state():
    return (
        list(Client.objects.values_list("pk", "name", "notes").order_by("pk")),
        list(Contact.objects.values_list("pk", "name").order_by("pk")),
        list(Party.objects.values_list("pk", "name").order_by("pk")),
        list(TeamMembership.objects.values_list("pk", "team_role", "is_lead").order_by("pk")),
        list(CheckIn.objects.values_list("pk", "notes").order_by("pk")),
    )


def test_outsider_gets_404_on_every_client_page_and_post(setup, as_user):
    cast, urls = setup
    before = db_state()
    c = as_user(cast.outsider)
    for name, url in urls.items():
        assert c.get(url).status_code == 404, name
        assert c.post(url, {"name": "hacked", "notes": "x"}).status_code == 404, name
    for url in [
        reverse("accounts:contact_delete", args=[cast.client.pk, cast.contact.pk]),
        reverse("accounts:party_delete", args=[cast.client.pk, Party.objects.first().pk]),
        reverse(
            "accounts:membership_remove",
            args=[cast.client.pk, TeamMembership.objects.filter(client=cast.client).first().pk],
        ),
    ]:
        assert c.post(url).status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("who", ["copywriter", "cd", "planner", "media", "traffic"])
def test_non_account_team_member_reads_but_cannot_edit(setup, as_user, who):
    cast, urls = setup
    before = db_state()
    c = as_user(getattr(cast, who))
    assert c.get(urls["detail"]).status_code == 200
    for name in (
        "edit",
        "contact_create",
        "contact_edit",
        "party_create",
        "party_edit",
        "membership_add",
        "membership_edit",
    ):
        assert c.get(urls[name]).status_code == 403, name
        assert c.post(urls[name], {"name": "changed", "notes": "x"}).status_code == 403, name
    deletes = [
        reverse("accounts:contact_delete", args=[cast.client.pk, cast.contact.pk]),
        reverse("accounts:party_delete", args=[cast.client.pk, Party.objects.first().pk]),
    ]
    for url in deletes:
        assert c.post(url).status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("who", ["am", "ad", "ae", "bd", "md"])
def test_account_service_bd_and_md_edit_the_client(setup, as_user, who):
    cast, urls = setup
    c = as_user(getattr(cast, who))
    response = c.post(
        urls["edit"],
        {
            "name": "Huayuan Properties",
            "industry": "real_estate",
            "status": "active",
            "payment_terms_days": 45,
            "currency": "CNY",
            "notes": f"edited by {who}",
        },
    )
    assert response.status_code == 302
    cast.client.refresh_from_db()
    assert cast.client.notes == f"edited by {who}"
    assert cast.client.payment_terms_days == 45


def test_md_and_bd_see_all_clients(setup, as_user):
    cast, _ = setup
    for user in (cast.md, cast.bd):
        c = as_user(user)
        assert (
            c.get(reverse("accounts:client_detail", args=[cast.other_client.pk])).status_code == 200
        )
        listing = c.get(reverse("accounts:client_list"))
        assert {cast.client, cast.other_client} <= set(listing.context["page"].object_list)


def test_finance_sees_master_data_but_not_check_ins(setup, as_user):
    cast, urls = setup
    c = as_user(cast.finance)
    response = c.get(urls["detail"])
    assert response.status_code == 200
    assert cast.contact.name in response.content.decode()
    assert not response.context["checkins"]
    assert 'id="checkins"' not in response.content.decode()
    assert c.get(urls["edit"]).status_code == 403
    assert c.get(urls["checkin_add"]).status_code == 404
    assert c.get(reverse("accounts:client_detail", args=[cast.other_client.pk])).status_code == 200


def test_client_list_shows_only_my_teams(setup, as_user):
    cast, _ = setup
    listing = as_user(cast.copywriter).get(reverse("accounts:client_list"))
    assert list(listing.context["page"].object_list) == [cast.client]
    listing = as_user(cast.outsider).get(reverse("accounts:client_list"))
    assert list(listing.context["page"].object_list) == [cast.other_client]


def test_any_team_member_adds_a_check_in_but_edits_only_their_own(setup, as_user):
    cast, urls = setup
    c = as_user(cast.copywriter)
    response = c.post(
        urls["checkin_add"], {"date": "2026-11-20", "topic": "market", "notes": "竞品降价"}
    )
    assert response.status_code == 302
    assert CheckIn.objects.filter(author=cast.copywriter, notes="竞品降价").exists()
    # The existing check-in belongs to the AM: the copywriter may not edit it.
    before = db_state()
    assert (
        c.post(
            urls["checkin_edit"], {"date": "2026-11-20", "topic": "market", "notes": "x"}
        ).status_code
        == 403
    )
    assert db_state() == before


def test_unknown_ids_in_urls_are_404(setup, as_user):
    cast, _ = setup
    c = as_user(cast.md)
    assert c.get("/clients/999999/").status_code == 404
    assert c.get(f"/clients/{cast.client.pk}/contacts/999999/").status_code == 404
    assert c.get(f"/clients/{cast.other_client.pk}/contacts/{cast.contact.pk}/").status_code == 404
    assert c.get(f"/clients/{cast.client.pk}/team/999999/").status_code == 404
    assert c.get("/clients/abc/").status_code == 404


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("accounts:client_detail", args=[cast.client.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
