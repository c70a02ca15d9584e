"""Trigram (pg_trgm GIN) indexes for the navbar search; PostgreSQL only (see agency.search_indexes)."""

from django.db import migrations

from agency.search_indexes import AddTrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_timeentry_role_invoice_document"),
        ("accounts", "0002_search_trigram"),
    ]

    operations = [
        AddTrigramIndexes("invoice", ["number", "fapiao_number"]),
    ]
