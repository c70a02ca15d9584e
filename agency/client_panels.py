"""Panels other apps add to the client page, the same way as the dashboard.

An app registers, in its AppConfig.ready():

    client_panels.register(provider)

where provider(request, client, access) returns a list of `Panel`s. Each panel
is rendered with its own template and context; providers check
`access.can_view_work` (finance sees master data only) and must run a fixed
number of queries.
"""

from dataclasses import dataclass, field

from .registry import Providers


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


_providers = Providers()
register = _providers.register


def panels_for(request, client, access) -> list[Panel]:
    return _providers.collect(request, client, access)
