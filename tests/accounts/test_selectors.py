"""Membership reads count one membership row, and active people only (issue 10, bug 1)."""

from django.urls import reverse

from accounts.models import TeamMembership
from accounts.reminders import ads_of, lead_of, with_leads
from accounts.selectors import (
    client_access,
    client_ids_visible_to,
    client_lead,
    client_list_for_user,
    my_clients,
    team_members,
)
from agency.roles import Role


def test_team_members_takes_the_role_from_this_clients_membership(cast):
    # crossover is AM here and AD on other_client: not an AD of this client
    ads = set(team_members(cast.client, [Role.AD]))
    assert cast.crossover not in ads
    assert ads == {cast.ad}
    assert cast.crossover in set(team_members(cast.client, [Role.AM]))
    assert set(team_members(cast.other_client, [Role.AD])) == {cast.crossover}


def test_team_members_never_returns_the_inactive(cast):
    assert cast.departed not in set(team_members(cast.client))
    assert cast.departed not in set(team_members(cast.client, [Role.AD]))
    assert cast.crossover in set(team_members(cast.client))


def test_ads_of_a_client_are_its_active_ads_on_this_team(cast):
    assert ads_of(cast.client) == [cast.ad]
    client = _prefetched(cast)
    assert ads_of(client) == [cast.ad]


def _prefetched(cast):
    """The client as a reminder sweep sees it (leads and ADs prefetched)."""
    return with_leads(TeamMembership.objects.filter(user=cast.ae)).get().client


def _make_lead(client, user):
    TeamMembership.objects.filter(client=client).update(is_lead=False)
    TeamMembership.objects.filter(client=client, user=user).update(is_lead=True)


def test_an_inactive_lead_is_no_lead(cast):
    assert client_lead(cast.client) == cast.am
    _make_lead(cast.client, cast.departed)
    assert client_lead(cast.client) is None
    # the reminders' prefetched path agrees with the selector
    client = _prefetched(cast)
    assert lead_of(client) is None
    assert lead_of(cast.client) is None


def test_client_list_shows_no_inactive_lead(cast, as_user):
    _make_lead(cast.client, cast.departed)
    row = next(c for c in client_list_for_user(cast.md) if c.pk == cast.client.pk)
    assert row.lead_memberships == []
    page = as_user(cast.md).get(reverse("accounts:client_list")).content.decode()
    assert "Cast departed" not in page


def test_crossover_access_follows_each_clients_own_membership(cast):
    here = client_access(cast.crossover, cast.client)
    there = client_access(cast.crossover, cast.other_client)
    assert here.team_role == Role.AM and there.team_role == Role.AD
    assert here.can_edit and there.can_edit
    assert set(my_clients(cast.crossover)) == {cast.client, cast.other_client}
    assert set(client_ids_visible_to(cast.crossover).values_list("client_id", flat=True)) == {
        cast.client.pk,
        cast.other_client.pk,
    }


def test_departed_member_has_no_access(cast):
    access = client_access(cast.departed, cast.client)
    assert not access.can_view and not access.can_edit and not access.can_add_checkin
