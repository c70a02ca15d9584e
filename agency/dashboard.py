"""The home page's "waiting for me" list.

Each app registers a provider in its AppConfig.ready():

    dashboard.register(my_provider)

A provider takes the user and returns a list of `Section`s (empty when it has
nothing for this user). Providers must run a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


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


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(user) -> list[Section]:
    sections: list[Section] = []
    for provider in _providers:
        sections.extend(s for s in provider(user) if s.items)
    return sorted(sections, key=lambda s: s.order)
