"""`make test` can run while `make run` serves from the same checkout."""

from pathlib import Path

from tests.conftest import BROWSER_TIMEOUT_MS


def test_uploads_never_go_to_the_repositorys_private_media(settings):
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not media.is_relative_to(Path(settings.BASE_DIR).resolve())


def test_the_test_database_is_not_the_servers(db, settings):
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    assert name != str(Path(settings.BASE_DIR) / "db.sqlite3")
    if connection.vendor == "sqlite":
        assert connection.is_in_memory_db()


def test_browser_waits_leave_room_for_a_busy_machine():
    assert BROWSER_TIMEOUT_MS >= 30000
