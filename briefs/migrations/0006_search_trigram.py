"""Trigram (pg_trgm GIN) indexes for the navbar search; PostgreSQL only (see agency.search_indexes)."""

from django.db import migrations

from agency.search_indexes import AddTrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0005_labels"),
        ("accounts", "0003_search_trigram"),
    ]

    operations = [
        AddTrigramIndexes("brief", ["title", "client_problem", "proposition"]),
    ]
