"""Panels other apps add to the client page, the same way as the dashboard.

An app registers, in its AppConfig.ready():

    client_panels.register(provider)

where provider(request, client, access) returns a list of `Panel`s. Each panel
is rendered with its own template and context; providers check
`access.can_view_work` (finance sees master data only) and must run a fixed
number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request, client, access) -> list[Panel]:
    panels: list[Panel] = []
    for provider in _providers:
        panels.extend(provider(request, client, access))
    return sorted(panels, key=lambda p: p.order)
