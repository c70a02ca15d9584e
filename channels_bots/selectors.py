"""Who may manage which channel, written once here.

- agency and department channels: administrators and the MD;
- a client team's channel: account service (AD, AM, AE) on that client's team.
Someone who may not see the client gets 404; who sees it but may not manage, 403.
"""

from django.db.models import Q, QuerySet

from accounts.models import Client, TeamMembership
from accounts.selectors import client_access
from agency.permissions import deny_unless, hide_unless, object_or_404
from agency.roles import ACCOUNT_SERVICE, Role

from .models import Channel


def manages_agency_channels(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role in (Role.ADMIN, Role.MD) or user.is_superuser)
    )


def managed_client_ids(user) -> QuerySet:
    return TeamMembership.objects.filter(
        user=user, user__is_active=True, team_role__in=list(ACCOUNT_SERVICE)
    ).values("client_id")


def may_manage(user, channel: Channel) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if channel.scope == Channel.Scope.CLIENT:
        if channel.client_id is None:
            return False
        return client_access(user, channel.client).is_account_service_on_team
    return manages_agency_channels(user)


def may_add_any(user) -> bool:
    return manages_agency_channels(user) or managed_client_ids(user).exists()


def channel_list_for_user(user) -> QuerySet[Channel]:
    qs = Channel.objects.select_related("client")
    mine = Q(scope=Channel.Scope.CLIENT, client_id__in=managed_client_ids(user))
    if manages_agency_channels(user):
        mine |= ~Q(scope=Channel.Scope.CLIENT)
    return qs.filter(mine)


def clients_for_channels(user) -> QuerySet[Client]:
    return Client.objects.filter(pk__in=managed_client_ids(user))


def channel_get_for_user(user, pk) -> Channel:
    """THE permission helper: 404 for who may not see the client, 403 for who may not manage."""
    channel = object_or_404(Channel.objects.select_related("client"), pk)
    if channel.scope == Channel.Scope.CLIENT:
        hide_unless(client_access(user, channel.client).can_view)
    deny_unless(may_manage(user, channel))
    return channel
