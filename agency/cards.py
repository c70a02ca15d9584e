"""The role dashboards' cards and charts, filled in by the apps.

Each app registers a provider in its AppConfig.ready():

    cards.register(my_cards)

A provider takes the user and returns a list of `Card`s and `Chart`s (empty
when it has nothing for this user's role). Every figure comes from the app's
own permission-scoped selectors, and a card's `value` equals the row count of
the list its `url` opens. Providers must run a fixed number of queries.
"""

from dataclasses import dataclass, field

from .registry import Providers


@dataclass
class Card:
    key: str  # stable, for tests and the page (data-card)
    title: str
    value: int
    url: str = ""  # the list behind the number
    previous: int | None = None  # the same figure one period earlier, for the change
    detail: str = ""
    tone: str = ""  # "", "danger", "warning", "success"
    order: int = 100

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous


@dataclass
class Chart:
    """A chart drawn by static/js/dashboard.js and also shown as a table.

    `datasets` is [{"label": str, "data": [numbers]}]; `links` optionally one
    URL per label (the table's first column links to what is behind it).
    """

    key: str
    title: str
    kind: str  # "bar", "stacked", "line"
    labels: list
    datasets: list
    links: list = field(default_factory=list)
    order: int = 100

    def rows(self) -> list:
        """(label, link, values) per label: the table under the chart."""
        links = self.links or [""] * len(self.labels)
        return [
            (label, links[i], [d["data"][i] for d in self.datasets])
            for i, label in enumerate(self.labels)
        ]

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": str(self.title),
            "kind": self.kind,
            "labels": [str(x) for x in self.labels],
            "datasets": [
                {"label": str(d["label"]), "data": [float(v) for v in d["data"]]}
                for d in self.datasets
            ],
        }


_providers = Providers()
register = _providers.register


def for_user(user) -> tuple[list[Card], list[Chart]]:
    items = _providers.collect(user)
    return [i for i in items if isinstance(i, Card)], [i for i in items if isinstance(i, Chart)]
