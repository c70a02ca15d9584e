"""Recipient helpers the apps' reminder rules share: the account lead and the
team's ADs of a client, prefetched once per sweep rather than per reminder.

Accounts owns the team, so "who is the lead" and "who is an AD on this team"
are answered here, through `accounts.selectors`, and nowhere else.
"""

from django.db.models import Prefetch, QuerySet

from agency.roles import Role

from .models import TeamMembership
from .selectors import client_lead, team_members


def with_leads(qs: QuerySet, path: str = "client") -> QuerySet:
    """Prefetch each client's lead and active ADs: one query per rule, not per reminder."""
    memberships = TeamMembership.objects.select_related("user").order_by("pk")
    return qs.prefetch_related(
        Prefetch(
            f"{path}__memberships",
            queryset=memberships.filter(is_lead=True, user__is_active=True),
            to_attr="lead_memberships",
        ),
        Prefetch(
            f"{path}__memberships",
            queryset=memberships.filter(team_role=Role.AD, user__is_active=True),
            to_attr="ad_memberships",
        ),
    )


def lead_of(client):
    """The account lead (active), from the sweep's prefetch when there is one."""
    memberships = getattr(client, "lead_memberships", None)
    if memberships is None:
        return client_lead(client)
    return memberships[0].user if memberships else None


def ads_of(client) -> list:
    memberships = getattr(client, "ad_memberships", None)
    if memberships is None:
        return list(team_members(client, [Role.AD]))
    return [m.user for m in memberships]


def unique_users(users) -> list:
    """Drop None and repeats, keeping the order (the lead first)."""
    seen, out = set(), []
    for u in users:
        if u is not None and u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out
