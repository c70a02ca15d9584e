"""Trigram (pg_trgm GIN) indexes for the navbar search; PostgreSQL only (see agency.search_indexes)."""

from django.db import migrations

from agency.search_indexes import AddTrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_fapiao_kinds_red_letters_letterhead"),
        ("accounts", "0003_search_trigram"),
    ]

    operations = [
        AddTrigramIndexes("invoice", ["number", "fapiao_number"]),
    ]
