"""Trigram (pg_trgm GIN) indexes for the navbar search; PostgreSQL only (see agency.search_indexes)."""

from django.db import migrations

from agency.search_indexes import AddTrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_dispatch_delivery_no_round_hours"),
        ("accounts", "0003_search_trigram"),
    ]

    operations = [
        AddTrigramIndexes("meeting", ["title", "purpose", "conclusions"]),
        AddTrigramIndexes("agendaitem", ["topic", "notes"]),
        AddTrigramIndexes("decision", ["text"]),
        AddTrigramIndexes("actionitem", ["text"]),
    ]
