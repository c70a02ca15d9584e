"""Trigram (pg_trgm GIN) indexes for the navbar search; PostgreSQL only (see agency.search_indexes)."""

from django.db import migrations

from agency.search_indexes import AddTrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_row_copied_from"),
        ("accounts", "0003_search_trigram"),
    ]

    operations = [
        AddTrigramIndexes("accountplan", ["annual_goals", "training_plan"]),
        AddTrigramIndexes("strategy", ["title", "description"]),
    ]
