"""Segregation on team roles (issue 18, "High"): a team role fits the person's
agency role, nobody gives themselves one, and BD/MD team roles are the MD's.

Each rule is proved through the service (assert_refused with the constant) and
through the view (a POST is refused with a form error or message), nothing changed.
"""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import TeamMembership
from accounts.team_roles import (
    ERR_AGENCY_ROLE_LEAVES_TEAM_ROLES,
    ERR_NO_TEAM_ROLE,
    ERR_OWN_LEAD,
    ERR_OWN_TEAM_ROLE,
    ERR_RESERVED_TEAM_ROLE,
    ERR_SELF_ADD_ROLE,
    ERR_TEAM_ROLE_NOT_FIT,
    TEAM_ROLES_FOR,
)
from agency.models import TimelineEvent
from agency.roles import Role

from ..factories import MembershipFactory, UserFactory
from ..helpers import assert_refused, unchanged

R = Role


@pytest.mark.parametrize(
    ("agency_role", "team_roles"),
    [
        (R.AD, {R.AD, R.AM, R.AE}),
        (R.AM, {R.AM, R.AE}),
        (R.AE, {R.AE}),
        (R.CREATIVE_DIRECTOR, {R.CREATIVE_DIRECTOR, R.CREATIVE}),
        (R.CREATIVE, {R.CREATIVE}),
        (R.PLANNER, {R.PLANNER}),
        (R.MEDIA, {R.MEDIA}),
        (R.TRAFFIC, {R.TRAFFIC}),
        (R.BD, {R.BD}),
        (R.MD, {R.MD}),
        (R.FINANCE, set()),
        (R.ADMIN, set()),
    ],
)
def test_team_roles_fit_the_agency_role(agency_role, team_roles):
    assert set(TEAM_ROLES_FOR[agency_role]) == team_roles


def test_every_agency_role_has_a_rule():
    assert set(TEAM_ROLES_FOR) == set(Role)


def membership(cast, who):
    return TeamMembership.objects.select_related("user", "client").get(
        client=cast.client, user=getattr(cast, who)
    )


def team_state(client):
    return sorted(client.memberships.values_list("user_id", "team_role", "is_lead"))


def edit_url(m):
    return reverse("accounts:membership_edit", args=[m.client_id, m.pk])


def add_url(cast):
    return reverse("accounts:membership_add", args=[cast.client.pk])


def update(actor, m, **data):
    data = {"team_role": m.team_role, "is_lead": m.is_lead, "expectations": "", **data}
    return services.membership_update(actor=actor, membership=m, data=data)


def post_edit(c, m, **data):
    data = {"team_role": m.team_role, "expectations": "", **data}
    if data.pop("is_lead", m.is_lead):
        data["is_lead"] = "on"
    return c.post(edit_url(m), data)


@pytest.fixture
def no_team_rows():
    before = TimelineEvent.objects.count()
    yield
    assert TimelineEvent.objects.count() == before


# --- the two reproductions of the issue ------------------------------------------------


@pytest.mark.parametrize("role", [R.AD, R.BD, R.MD])
def test_ae_cannot_give_themselves_a_higher_team_role_via_service(cast, role, no_team_rows):
    m = membership(cast, "ae")
    with unchanged(m):
        assert_refused(update, ERR_OWN_TEAM_ROLE, cast.ae, m, team_role=role)


@pytest.mark.parametrize("role", [R.AD, R.BD])
def test_ae_cannot_give_themselves_a_higher_team_role_via_the_view(
    cast, as_user, role, no_team_rows
):
    m = membership(cast, "ae")
    with unchanged(m):
        response = post_edit(as_user(cast.ae), m, team_role=role)
    assert response.status_code == 200
    assert "team_role" in response.context["form"].errors


def test_ae_is_not_offered_the_bd_or_md_team_role(cast, as_user):
    form = as_user(cast.ae).get(edit_url(membership(cast, "ae"))).context["form"]
    offered = {value for value, _label in form.fields["team_role"].choices}
    assert R.BD not in offered and R.MD not in offered and R.FINANCE not in offered
    assert R.AD in offered  # for others who fit it


def test_own_team_role_error_on_the_form_names_the_rule(cast, as_user):
    m = membership(cast, "am")
    response = post_edit(as_user(cast.am), m, team_role=R.AE)
    assert str(ERR_OWN_TEAM_ROLE) in response.context["form"].errors["team_role"]
    assert membership(cast, "am").team_role == R.AM


# --- the team role fits the agency role ------------------------------------------------


def test_am_cannot_make_an_ae_the_ad_via_service(cast, no_team_rows):
    m = membership(cast, "ae")
    with unchanged(m):
        exc = assert_refused(update, ERR_TEAM_ROLE_NOT_FIT, cast.am, m, team_role=R.AD)
    assert "Account Executive (AE)" in exc.message


def test_am_cannot_make_an_ae_the_ad_via_the_view_and_the_error_lists_the_allowed_roles(
    cast, as_user, no_team_rows
):
    m = membership(cast, "ae")
    with unchanged(m):
        response = post_edit(as_user(cast.am), m, team_role=R.AD)
    assert response.status_code == 200
    errors = response.context["form"].errors["team_role"]
    assert errors == [
        str(ERR_TEAM_ROLE_NOT_FIT % {"name": cast.ae, "roles": "Account Executive (AE)"})
    ]


def test_the_error_lists_every_role_that_fits(cast, no_team_rows):
    m = membership(cast, "crossover")  # an AD by agency role
    exc = assert_refused(update, ERR_TEAM_ROLE_NOT_FIT, cast.am, m, team_role=R.PLANNER)
    assert exc.message == (
        "Cast crossover may hold only these team roles: "
        "Account Director (AD), Account Manager (AM) or Account Executive (AE)."
    )


def test_copywriter_cannot_be_made_creative_director(cast, as_user, no_team_rows):
    m = membership(cast, "copywriter")
    with unchanged(m):
        assert_refused(update, ERR_TEAM_ROLE_NOT_FIT, cast.am, m, team_role=R.CREATIVE_DIRECTOR)
        response = post_edit(as_user(cast.am), m, team_role=R.CREATIVE_DIRECTOR)
    assert "team_role" in response.context["form"].errors


def test_a_role_that_fits_is_accepted(cast, as_user):
    # the creative director may work as a creative; the AD (crossover) as AE here
    assert (
        post_edit(as_user(cast.am), membership(cast, "cd"), team_role=R.CREATIVE).status_code == 302
    )
    assert membership(cast, "cd").team_role == R.CREATIVE
    update(cast.am, membership(cast, "crossover"), team_role=R.AE)
    assert membership(cast, "crossover").team_role == R.AE


def test_adding_a_member_in_a_role_that_does_not_fit_is_refused(cast, as_user):
    newcomer = UserFactory(role=R.AE)
    before = team_state(cast.client)
    assert_refused(
        services.membership_add,
        ERR_TEAM_ROLE_NOT_FIT,
        actor=cast.am,
        client=cast.client,
        user=newcomer,
        data={"team_role": R.AD},
    )
    response = as_user(cast.am).post(add_url(cast), {"user": newcomer.pk, "team_role": R.AD})
    assert response.status_code == 200
    assert "team_role" in response.context["form"].errors
    assert team_state(cast.client) == before


def test_finance_is_never_on_a_team(cast, as_user, no_team_rows):
    before = team_state(cast.client)
    for actor in (cast.am, cast.md):
        for role in ("", R.FINANCE, R.AE):
            assert_refused(
                services.membership_add,
                ERR_NO_TEAM_ROLE,
                actor=actor,
                client=cast.client,
                user=cast.finance,
                data={"team_role": role},
            )
    response = as_user(cast.md).post(add_url(cast), {"user": cast.finance.pk, "team_role": "ae"})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors  # not even offered
    assert team_state(cast.client) == before


# --- account people set working roles only; BD / MD are the MD's -----------------------


def test_am_cannot_add_a_bd(cast, as_user, no_team_rows):
    bd2 = UserFactory(role=R.BD)
    before = team_state(cast.client)
    assert_refused(
        services.membership_add,
        ERR_RESERVED_TEAM_ROLE,
        actor=cast.am,
        client=cast.client,
        user=bd2,
        data={"team_role": ""},
    )
    # the form defaults to the agency role and refuses it the same way
    response = as_user(cast.am).post(add_url(cast), {"user": bd2.pk})
    assert response.context["form"].errors["team_role"] == [
        str(ERR_RESERVED_TEAM_ROLE % {"role": "Business Director (BD)"})
    ]
    assert team_state(cast.client) == before


def test_the_bd_cannot_add_another_bd_either(cast, no_team_rows):
    bd2 = UserFactory(role=R.BD)
    assert_refused(
        services.membership_add,
        ERR_RESERVED_TEAM_ROLE,
        actor=cast.bd,
        client=cast.client,
        user=bd2,
        data={"team_role": R.BD},
    )
    assert not TeamMembership.objects.filter(user=bd2).exists()


def test_md_adds_a_bd(cast, as_user):
    bd2 = UserFactory(role=R.BD)
    response = as_user(cast.md).post(add_url(cast), {"user": bd2.pk, "team_role": R.BD})
    assert response.status_code == 302
    assert TeamMembership.objects.get(client=cast.client, user=bd2).team_role == R.BD


def test_am_cannot_remove_the_bd(cast, as_user, no_team_rows):
    m = membership(cast, "bd")
    assert_refused(services.membership_remove, ERR_RESERVED_TEAM_ROLE, actor=cast.am, membership=m)
    url = reverse("accounts:membership_remove", args=[cast.client.pk, m.pk])
    response = as_user(cast.am).post(url, follow=True)
    assert str(ERR_RESERVED_TEAM_ROLE % {"role": "Business Director (BD)"}) in [
        str(msg) for msg in response.context["messages"]
    ]
    assert TeamMembership.objects.filter(pk=m.pk).exists()


def test_remove_button_is_hidden_for_the_bd_unless_md(cast, as_user):
    m = membership(cast, "bd")
    url = reverse("accounts:membership_remove", args=[cast.client.pk, m.pk])
    assert url not in as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    assert url in as_user(cast.md).get(cast.client.get_absolute_url()).content.decode()


def test_md_removes_the_bd(cast, as_user):
    m = membership(cast, "bd")
    url = reverse("accounts:membership_remove", args=[cast.client.pk, m.pk])
    assert as_user(cast.md).post(url).status_code == 302
    assert not TeamMembership.objects.filter(pk=m.pk).exists()


def test_am_cannot_make_the_bd_the_lead(cast, as_user, no_team_rows):
    m = membership(cast, "bd")
    before = team_state(cast.client)
    assert_refused(update, ERR_RESERVED_TEAM_ROLE, cast.am, m, is_lead=True)
    response = post_edit(as_user(cast.am), m, is_lead=True)
    assert response.status_code == 200
    assert team_state(cast.client) == before


def test_am_may_still_edit_the_bds_expectations(cast, as_user):
    m = membership(cast, "bd")
    response = post_edit(as_user(cast.am), m, expectations="每月一次签核")
    assert response.status_code == 302
    assert membership(cast, "bd").expectations == "每月一次签核"


def test_am_cannot_turn_the_md_membership_into_anything(cast, no_team_rows):
    md_member = MembershipFactory(client=cast.client, user=cast.md, team_role=R.MD)
    assert_refused(update, ERR_TEAM_ROLE_NOT_FIT, cast.am, md_member, team_role=R.AE)
    assert_refused(
        services.membership_remove, ERR_RESERVED_TEAM_ROLE, actor=cast.am, membership=md_member
    )
    md_member.refresh_from_db()
    assert md_member.team_role == R.MD


# --- nobody changes their own role or lead flag ---------------------------------------


def test_ae_cannot_make_themselves_the_lead(cast, as_user, no_team_rows):
    m = membership(cast, "ae")
    before = team_state(cast.client)
    assert_refused(update, ERR_OWN_LEAD, cast.ae, m, is_lead=True)
    response = post_edit(as_user(cast.ae), m, is_lead=True)
    assert response.status_code == 200
    assert response.context["form"].errors["is_lead"] == [str(ERR_OWN_LEAD)]
    assert team_state(cast.client) == before


def test_the_lead_cannot_drop_their_own_lead_flag(cast, no_team_rows):
    m = membership(cast, "am")
    with unchanged(m):
        assert_refused(update, ERR_OWN_LEAD, cast.am, m, is_lead=False)


def test_the_lead_may_hand_the_lead_to_someone_else(cast):
    update(cast.am, membership(cast, "ad"), is_lead=True)
    assert membership(cast, "ad").is_lead and not membership(cast, "am").is_lead


def test_ae_may_edit_their_own_expectations(cast, as_user):
    m = membership(cast, "ae")
    assert post_edit(as_user(cast.ae), m, expectations="负责日常对接").status_code == 302
    assert membership(cast, "ae").expectations == "负责日常对接"


def test_nobody_adds_themselves_in_another_role_or_as_lead(cast, as_user, no_team_rows):
    before = team_state(cast.client)
    call = services.membership_add
    kw = {"actor": cast.md, "client": cast.client, "user": cast.md}
    assert_refused(call, ERR_SELF_ADD_ROLE, data={"team_role": R.BD}, **kw)
    assert_refused(call, ERR_OWN_LEAD, data={"team_role": R.MD, "is_lead": True}, **kw)
    response = as_user(cast.md).post(add_url(cast), {"user": cast.md.pk, "team_role": R.BD})
    assert "team_role" in response.context["form"].errors
    assert team_state(cast.client) == before


def test_the_md_may_join_a_team_as_md(cast):
    services.membership_add(actor=cast.md, client=cast.client, user=cast.md, data={})
    assert membership(cast, "md").team_role == R.MD


# --- the form's people: active, and on a team at all (issue 10, item 7) ---------------


@pytest.mark.parametrize("who", ["departed", "finance"])
def test_membership_form_refuses_people_it_does_not_offer(cast, as_user, who):
    TeamMembership.objects.filter(user=cast.departed).delete()
    admin = UserFactory(role=R.ADMIN, is_superuser=True, is_staff=True)
    before = team_state(cast.client)
    c = as_user(cast.am)
    form = c.get(add_url(cast)).context["form"]
    offered = set(form.fields["user"].queryset)
    assert getattr(cast, who) not in offered and admin not in offered
    for user in (getattr(cast, who), admin):
        response = c.post(add_url(cast), {"user": user.pk, "team_role": R.AE})
        assert response.status_code == 200
        assert "user" in response.context["form"].errors
    assert team_state(cast.client) == before


def test_another_clients_membership_is_404_under_this_client(cast, as_user):
    other = TeamMembership.objects.get(client=cast.other_client, user=cast.outsider)
    c = as_user(cast.md)
    for url in (
        reverse("accounts:membership_edit", args=[cast.client.pk, other.pk]),
        reverse("accounts:membership_remove", args=[cast.client.pk, other.pk]),
    ):
        with unchanged(other):
            assert c.post(url, {"team_role": R.AE, "is_lead": "on"}).status_code == 404


# --- the agency role cannot move away from the team roles a person holds -----------------


def _user_admin_post(user, role):
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "language": "en",
        "role": role,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }


def test_admin_cannot_demote_an_ad_who_is_ad_on_a_team(cast, as_user):
    admin_user = UserFactory(role=R.ADMIN, is_superuser=True, is_staff=True)
    url = reverse("admin:accounts_user_change", args=[cast.ad.pk])
    response = as_user(admin_user).post(url, _user_admin_post(cast.ad, R.AE))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["role"]
    assert errors == [
        str(ERR_AGENCY_ROLE_LEAVES_TEAM_ROLES)
        % {"role": "Account Executive (AE)", "name": cast.ad, "clients": "Huayuan"}
    ]
    cast.ad.refresh_from_db()
    assert cast.ad.role == R.AD


def test_admin_changes_the_agency_role_when_team_roles_still_fit(cast, as_user):
    admin_user = UserFactory(role=R.ADMIN, is_superuser=True, is_staff=True)
    url = reverse("admin:accounts_user_change", args=[cast.am.pk])
    response = as_user(admin_user).post(url, _user_admin_post(cast.am, R.AD))  # promoted
    assert response.status_code == 302
    cast.am.refresh_from_db()
    assert cast.am.role == R.AD
