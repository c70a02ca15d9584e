"""Trigram indexes for the search, created on PostgreSQL only.

A migration in the app that owns the table says

    from agency.search_indexes import AddTrigramIndexes, TrigramExtension

    operations = [
        TrigramExtension(),  # CREATE EXTENSION pg_trgm (skipped off PostgreSQL)
        AddTrigramIndexes("client", ["name", "short_name"]),
    ]

Each column gets `GinIndex(fields=[column], opclasses=["gin_trgm_ops"])`, which
serves `column ILIKE '%q%'` (agency.search.SearchContains) for queries of three
or more characters. On any other database (SQLite in quick test runs) the
operation does nothing, so the app still migrates. The indexes live only in the
database, not in the models' Meta (a GinIndex cannot be created on SQLite), so
the operation leaves the migration state alone and `makemigrations` sees no change.
"""

import hashlib

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db.migrations.operations.base import Operation

__all__ = ["AddTrigramIndexes", "TrigramExtension", "trigram_index_name"]


def trigram_index_name(app_label: str, model_name: str, field: str) -> str:
    """A stable name within PostgreSQL's and Django's 30-character limit."""
    digest = hashlib.md5(f"{app_label}.{model_name}.{field}".encode(), usedforsecurity=False)
    return f"trgm_{model_name[:8]}_{field[:8]}_{digest.hexdigest()[:6]}"


class AddTrigramIndexes(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name.lower()
        self.fields = list(fields)

    def deconstruct(self):
        return ("agency.search_indexes.AddTrigramIndexes", [self.model_name, self.fields], {})

    def state_forwards(self, app_label, state):
        pass  # database-only: the models do not declare these indexes

    def _indexes(self, app_label):
        return [
            GinIndex(
                fields=[field],
                name=trigram_index_name(app_label, self.model_name, field),
                opclasses=["gin_trgm_ops"],
            )
            for field in self.fields
        ]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        for index in self._indexes(app_label):
            schema_editor.add_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        for index in self._indexes(app_label):
            schema_editor.remove_index(model, index)

    def describe(self):
        return f"Trigram indexes (PostgreSQL only) on {self.model_name}: {', '.join(self.fields)}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_trigram"
