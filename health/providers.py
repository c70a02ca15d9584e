"""Health's dashboard cards and its client-page panel (registered in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from agency.cards import Card, Chart
from agency.client_panels import Panel
from agency.roles import ACCOUNT_SERVICE, Role

from .score import RED
from .selectors import client_health_list, health_for, history

# Who gets health on their dashboard: the MD and BD agency-wide, account
# service for their own accounts (the selector scopes the clients).
HEALTH_ROLES = {Role.MD, Role.BD, *ACCOUNT_SERVICE}


def health_cards(user) -> list:
    if user.role not in HEALTH_ROLES:
        return []
    rows = client_health_list(user)
    at_risk = [r for r in rows if r.health.band == RED]
    out = [
        Card(
            key="health_at_risk",
            title=_("Accounts at risk"),
            value=len(at_risk),
            url=reverse("health:client_health") + "?band=red",
            tone="danger" if at_risk else "success",
            order=10,
        )
    ]
    scored = [r for r in rows if r.health.score is not None][:12]
    if scored:
        out.append(
            Chart(
                key="health_scores",
                title=_("Account health"),
                kind="bar",
                labels=[r.client.name for r in scored],
                datasets=[{"label": _("Score"), "data": [r.health.score for r in scored]}],
                links=[r.client.get_absolute_url() for r in scored],
                order=10,
            )
        )
    return out


def client_health_panel(request, client, access) -> list:
    if not access.can_view_work:
        return []
    health = health_for([client.pk])[client.pk]
    return [
        Panel(
            title=_("Account health"),
            template="health/_client_panel.html",
            context={"health": health, "history": history(client)},
            order=5,
        )
    ]
