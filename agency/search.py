"""The navbar search: one box, results grouped by kind.

`agency` imports no app. Each app registers, in its AppConfig.ready():

    search.register(provider)

where provider(user, q) returns a list of `Group`s. A provider scopes its rows
with the app's OWN permission-scoped selectors (client_list_for_user,
brief_list_for_user, ...), matches with `matches(q, *fields)` and builds each
group with `group(...)`: one query per group, however many rows match.

Matching is a substring match, so Chinese works without word splitting
("翡翠" finds 万科翡翠公园). On PostgreSQL the `searchcontains` lookup is a plain
`column ILIKE '%q%'`, which a pg_trgm GIN index (`gin_trgm_ops`, see
`agency.search_indexes`) serves for queries of three or more characters; a
shorter query is still correct but scans. Elsewhere (SQLite) it is icontains.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, Q, TextField
from django.db.models.lookups import IContains

from .registry import Providers

MAX_QUERY_LENGTH = 100  # characters kept of what was typed
PER_GROUP = 10  # hits shown per group
SNIPPET_WIDTH = 40  # characters either side of the match


class SearchContains(IContains):
    """Case-insensitive substring match that a trigram index can serve.

    Django's icontains on PostgreSQL is `UPPER(col::text) LIKE UPPER(...)`,
    which no plain-column index serves; this is `col ILIKE '%q%'`, or
    `col LIKE '%q%'` when q has no letter case (Chinese, digits), with `%`, `_`
    and `\\` in q escaped. Both are served by a gin_trgm_ops index. Other
    databases get icontains unchanged.
    """

    lookup_name = "searchcontains"

    def as_sql(self, compiler, connection):
        return compiler.compile(IContains(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        # Text with no letter case (Chinese, digits) needs no case folding:
        # LIKE is the same match, and much cheaper when a short query scans.
        uncased = isinstance(self.rhs, str) and self.rhs.lower() == self.rhs.upper()
        operator = "LIKE" if uncased else "ILIKE"
        return f"{lhs_sql} {operator} {rhs_sql}", (*lhs_params, *rhs_params)


def register_lookup():
    CharField.register_lookup(SearchContains)
    TextField.register_lookup(SearchContains)


@dataclass
class Hit:
    title: str
    url: str
    context: str = ""  # e.g. the client, the meeting
    snippet: str = ""  # the matching text around the query, when not the title


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    more: bool = False  # more than PER_GROUP matched
    order: int = 100


_providers = Providers()
register = _providers.register


def clean_query(raw) -> str:
    """What we search for: whitespace collapsed, at most MAX_QUERY_LENGTH characters."""
    text = " ".join(str(raw or "").replace("\x00", "").split())
    return text[:MAX_QUERY_LENGTH]


def search(user, raw) -> tuple[str, list[Group]]:
    """(the cleaned query, its non-empty groups in order). Empty query: no groups."""
    q = clean_query(raw)
    if not q or not user.is_authenticated:
        return q, []
    return q, [g for g in _providers.collect(user, q) if g.hits]


def matches(q: str, *fields: str) -> Q:
    """Any of `fields` contains q (case-insensitive substring)."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__searchcontains": q})
    return condition


def snippet(text: str, q: str, width: int = SNIPPET_WIDTH) -> str:
    """The part of `text` around the first match of q ("" when it does not match)."""
    if not text:
        return ""
    at = text.lower().find(q.lower())
    if at < 0:
        return ""
    start, end = max(0, at - width), min(len(text), at + len(q) + width)
    return (
        ("…" if start else "")
        + " ".join(text[start:end].split())
        + ("…" if end < len(text) else "")
    )


def first_snippet(q: str, texts: Iterable[str]) -> str:
    for text in texts:
        found = snippet(text, q)
        if found:
            return found
    return ""


def group(key: str, label, rows, make_hit: Callable, *, order: int = 100) -> Group:
    """A group from a queryset: one query, at most PER_GROUP hits, `more` if cut."""
    found = list(rows[: PER_GROUP + 1])
    return Group(
        key=key,
        label=str(label),
        hits=[make_hit(row) for row in found[:PER_GROUP]],
        more=len(found) > PER_GROUP,
        order=order,
    )
