"""Trigram (pg_trgm GIN) indexes for the navbar search; PostgreSQL only (see agency.search_indexes)."""

from django.db import migrations

from agency.search_indexes import AddTrigramIndexes, TrigramExtension


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_usersession"),
    ]

    operations = [
        TrigramExtension(),
        AddTrigramIndexes("client", ["name", "short_name", "invoice_title"]),
        AddTrigramIndexes("contact", ["name", "title", "email", "phone"]),
        AddTrigramIndexes("party", ["name", "contact_name"]),
    ]
