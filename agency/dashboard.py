"""The home page's "waiting for me" list.

Each app registers a provider in its AppConfig.ready():

    dashboard.register(my_provider)

A provider takes the user and returns a list of `Section`s (empty when it has
nothing for this user). Providers must run a fixed number of queries.
"""

from dataclasses import dataclass, field

from .registry import Providers


@dataclass
class Item:
    label: str
    url: str = ""
    detail: str = ""
    overdue: bool = False


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)
    order: int = 100


_providers = Providers()
register = _providers.register


def sections_for(user) -> list[Section]:
    return [s for s in _providers.collect(user) if s.items]
