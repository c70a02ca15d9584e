"""Permission-scoped reads of clients and their teams.

`client_get_for_user` is THE permission helper for a client and everything
under it (contacts, parties, team, check-ins). Other apps build their own
helpers on top of `client_access`.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from agency.permissions import NOT_FOUND, object_or_404
from agency.roles import ACCOUNT_SERVICE, SEES_ALL, Role

from .models import CheckIn, Client, TeamMembership, User


@dataclass(frozen=True)
class ClientAccess:
    """What one user may do with one client."""

    membership: TeamMembership | None
    can_view: bool  # master data: the client, contacts, parties, team
    can_view_work: bool  # plans, briefs, meetings, check-ins (not finance)
    can_edit: bool  # client, contacts, parties, team
    can_add_checkin: bool

    @property
    def team_role(self) -> str | None:
        return self.membership.team_role if self.membership else None

    @property
    def is_account_service_on_team(self) -> bool:
        return self.team_role in ACCOUNT_SERVICE


NO_ACCESS = ClientAccess(None, False, False, False, False)


def client_access(user, client: Client, membership: TeamMembership | None = None) -> ClientAccess:
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    if membership is None:
        membership = TeamMembership.objects.filter(client=client, user=user).first()
    sees_all = user.role in SEES_ALL
    on_team = membership is not None
    return ClientAccess(
        membership=membership,
        can_view=sees_all or on_team or user.role == Role.FINANCE,
        can_view_work=sees_all or on_team,
        can_edit=sees_all or (on_team and membership.team_role in ACCOUNT_SERVICE),
        can_add_checkin=on_team,
    )


def client_ids_visible_to(user) -> QuerySet | None:
    """None means every client; otherwise a subquery of the user's teams."""
    if user.role in SEES_ALL or user.role == Role.FINANCE:
        return None
    return TeamMembership.objects.filter(user=user).values("client_id")


def client_list_for_user(user) -> QuerySet[Client]:
    qs = Client.objects.all()
    ids = client_ids_visible_to(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    leads = TeamMembership.objects.filter(is_lead=True, user__is_active=True).select_related("user")
    return qs.prefetch_related(Prefetch("memberships", queryset=leads, to_attr="lead_memberships"))


def client_work_ids_for(user) -> QuerySet | None:
    """Clients whose plans/briefs/meetings the user may see (None = all)."""
    if user.role in SEES_ALL:
        return None
    return TeamMembership.objects.filter(user=user).values("client_id")


def client_get_for_user(user, pk, *, need_work: bool = False) -> tuple[Client, ClientAccess]:
    """Return the client and the user's access; 404 if they may not see it.

    `need_work=True` for pages beyond master data (check-ins, plans, ...),
    which finance does not see.
    """
    client = object_or_404(Client.objects.all(), pk)
    access = client_access(user, client)
    if not access.can_view or (need_work and not access.can_view_work):
        raise Http404(NOT_FOUND)
    return client, access


def client_detail_data(client: Client, access: ClientAccess) -> dict:
    data = {
        "team": list(client.memberships.select_related("user")),
        "contacts": list(client.contacts.all()),
        "parties": list(client.parties.all()),
        "checkins": [],
    }
    if access.can_view_work:
        data["checkins"] = list(client.checkins.select_related("author")[:50])
    return data


def team_members(client: Client, roles=None) -> QuerySet[User]:
    """Active members of `client`'s team, optionally only those with one of `roles`.

    One membership condition: client and team role must hold on the SAME
    membership row (two .filter() calls would join twice and let a role on
    another client's team count here).
    """
    memberships = TeamMembership.objects.filter(client=client)
    if roles is not None:
        memberships = memberships.filter(team_role__in=list(roles))
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def client_lead(client: Client) -> User | None:
    """The account lead, if active: an offboarded lead is no lead (reminders fall back)."""
    m = client.memberships.filter(is_lead=True, user__is_active=True).select_related("user")
    m = m.first()
    return m.user if m else None


def users_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(role=role, is_active=True)


def checkin_get_for_user(user, client_pk, pk) -> tuple[CheckIn, ClientAccess]:
    client, access = client_get_for_user(user, client_pk, need_work=True)
    return object_or_404(client.checkins.all(), pk), access


def my_clients(user) -> QuerySet[Client]:
    """The home page's client list: my teams' clients; every client for MD and BD."""
    qs = Client.objects.exclude(status=Client.Status.LOST)
    if user.role not in SEES_ALL:
        qs = qs.filter(memberships__user=user).distinct()
    return qs.order_by("name")
