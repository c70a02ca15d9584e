import pytest
from django.urls import reverse

from accounts.models import CheckIn, Client, Contact, Party, TeamMembership
from agency.roles import Role

from ..factories import ClientFactory, MembershipFactory, UserFactory

VALID_CLIENT = {
    "name": "Evergreen Homes",
    "short_name": "Evergreen",
    "industry": "real_estate",
    "status": "prospect",
    "payment_terms_days": 30,
    "currency": "CNY",
}


def test_am_creates_a_client_and_becomes_its_lead(cast, as_user):
    response = as_user(cast.am).post(reverse("accounts:client_create"), VALID_CLIENT)
    client = Client.objects.get(name="Evergreen Homes")
    assert response.status_code == 302
    assert response["Location"] == client.get_absolute_url()
    membership = TeamMembership.objects.get(client=client)
    assert membership.user == cast.am
    assert membership.is_lead


@pytest.mark.parametrize("who", ["copywriter", "finance", "planner"])
def test_other_roles_may_not_create_clients(cast, as_user, who):
    response = as_user(getattr(cast, who)).post(reverse("accounts:client_create"), VALID_CLIENT)
    assert response.status_code == 403
    assert not Client.objects.filter(name="Evergreen Homes").exists()


def test_empty_name_is_a_form_error(cast, as_user):
    data = {**VALID_CLIENT, "name": "   "}
    response = as_user(cast.am).post(reverse("accounts:client_create"), data)
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Client.objects.filter(short_name="Evergreen").exists()


def test_duplicate_client_name_is_a_form_error_not_a_500(cast, as_user):
    data = {**VALID_CLIENT, "name": "huayuan properties"}
    response = as_user(cast.am).post(reverse("accounts:client_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Client.objects.filter(name__iexact="huayuan properties").count() == 1


def test_malformed_contact_email_is_a_form_error(cast, as_user):
    url = reverse("accounts:contact_create", args=[cast.client.pk])
    response = as_user(cast.am).post(
        url, {"name": "林经理", "email": "not-an-email", "audience_role": "influencer"}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Contact.objects.filter(name="林经理").exists()


def test_am_adds_a_contact_with_audience_role_and_their_words(cast, as_user):
    url = reverse("accounts:contact_create", args=[cast.client.pk])
    response = as_user(cast.am).post(
        url,
        {
            "name": "林经理",
            "title": "品牌经理",
            "email": "lin@client.test",
            "audience_role": "influencer",
            "their_words": "调性、圈层",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="林经理")
    assert contact.audience_role == Contact.AudienceRole.INFLUENCER
    page = as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    assert "林经理" in page and "调性、圈层" in page and "Influencer" in page


def test_am_adds_a_party(cast, as_user):
    url = reverse("accounts:party_create", args=[cast.client.pk])
    response = as_user(cast.am).post(url, {"name": "世联行", "kind": "sales_agency"})
    assert response.status_code == 302
    assert Party.objects.get(name="世联行").client == cast.client


def test_duplicate_membership_is_a_form_error(cast, as_user):
    url = reverse("accounts:membership_add", args=[cast.client.pk])
    response = as_user(cast.am).post(url, {"user": cast.copywriter.pk, "team_role": "creative"})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert TeamMembership.objects.filter(client=cast.client, user=cast.copywriter).count() == 1


def test_adding_a_member_with_unknown_user_id_is_a_form_error(cast, as_user):
    url = reverse("accounts:membership_add", args=[cast.client.pk])
    response = as_user(cast.am).post(url, {"user": 999999})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors


def test_making_a_member_lead_moves_the_lead(cast, as_user):
    membership = TeamMembership.objects.get(client=cast.client, user=cast.ad)
    url = reverse("accounts:membership_edit", args=[cast.client.pk, membership.pk])
    response = as_user(cast.am).post(
        url, {"team_role": "ad", "is_lead": "on", "expectations": "对利润负责"}
    )
    assert response.status_code == 302
    leads = TeamMembership.objects.filter(client=cast.client, is_lead=True)
    assert [m.user for m in leads] == [cast.ad]
    assert leads[0].expectations == "对利润负责"


def test_new_member_defaults_to_their_agency_role(cast, as_user):
    newcomer = UserFactory(role=Role.MEDIA)
    url = reverse("accounts:membership_add", args=[cast.client.pk])
    as_user(cast.am).post(url, {"user": newcomer.pk, "expectations": "媒介排期"})
    assert TeamMembership.objects.get(client=cast.client, user=newcomer).team_role == Role.MEDIA


def test_posted_fields_outside_the_form_are_ignored(cast, as_user):
    """A crafted post cannot set fields the form does not offer (e.g. the client)."""
    url = reverse("accounts:contact_create", args=[cast.client.pk])
    as_user(cast.am).post(
        url, {"name": "X", "audience_role": "executor", "client": cast.other_client.pk}
    )
    assert Contact.objects.get(name="X").client == cast.client


def test_check_in_inline_add_with_htmx_returns_the_entry(cast, as_user):
    url = reverse("accounts:checkin_add", args=[cast.client.pk])
    response = as_user(cast.ae).post(
        url,
        {"date": "2026-11-25", "topic": "client_problem", "notes": "首次置业客群认知不足"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "首次置业客群认知不足" in body
    assert 'hx-swap-oob="afterbegin:#checkin-timeline"' in body
    assert CheckIn.objects.filter(client=cast.client, author=cast.ae).count() == 1


def test_check_in_with_bad_date_is_a_form_error(cast, as_user):
    url = reverse("accounts:checkin_add", args=[cast.client.pk])
    response = as_user(cast.ae).post(url, {"date": "2026-13-45", "topic": "market", "notes": "x"})
    assert response.status_code == 200
    assert "date" in response.context["form"].errors


def test_client_detail_shows_team_contacts_parties_and_timeline(cast, as_user):
    CheckIn.objects.create(
        client=cast.client,
        author=cast.am,
        date="2026-11-01",
        topic="business",
        notes="二期认购进度",
    )
    page = as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    for text in ("Cast am", "Account lead", "陈总", "二期认购进度", "Cooperating parties"):
        assert text in page


def test_client_list_search_and_filters(cast, as_user):
    ClientFactory(name="Zeta Foods", industry="fmcg", status="paused")
    c = as_user(cast.md)
    names = lambda r: [x.name for x in r.context["page"].object_list]  # noqa: E731
    assert names(c.get("/clients/?q=zeta")) == ["Zeta Foods"]
    assert names(c.get("/clients/?status=paused")) == ["Zeta Foods"]
    assert "Zeta Foods" not in names(c.get("/clients/?industry=real_estate"))
    assert c.get("/clients/?status=bogus").status_code == 200
    assert c.get("/clients/?page=999").status_code == 200


def _make_clients(n, member):
    clients = ClientFactory.create_batch(n)
    for c in clients:
        MembershipFactory(client=c, user=member, is_lead=True)
        MembershipFactory(client=c)


def test_client_list_query_count_does_not_grow_with_clients(
    cast, as_user, django_assert_max_num_queries
):
    c = as_user(cast.md)
    _make_clients(10, cast.am)
    with django_assert_max_num_queries(8) as small:
        c.get("/clients/")
    _make_clients(190, cast.am)
    with django_assert_max_num_queries(8) as large:
        response = c.get("/clients/")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.context["page"].paginator.count == 202


def test_home_lists_my_clients(cast, as_user):
    page = as_user(cast.copywriter).get("/").content.decode()
    assert "Huayuan Properties" in page and "Other Co" not in page


def test_home_lists_every_client_for_the_md(cast, as_user):
    page = as_user(cast.md).get("/").content.decode()
    assert "Huayuan Properties" in page
    assert "Other Co" in page
