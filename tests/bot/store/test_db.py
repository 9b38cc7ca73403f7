"""Opening databases: drivers, displayed URLs and one-line connection errors."""

import pytest

from bot.store.db import (
    DatabaseError,
    check_connection,
    create_db_engine,
    display_url,
    normalised_url,
)


def test_postgresql_urls_use_psycopg3_whatever_driver_was_written():
    for written in ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"):
        assert normalised_url(written).drivername == "postgresql+psycopg"
    assert normalised_url("sqlite:///x.db").drivername == "sqlite"


def test_displayed_url_hides_the_password():
    shown = display_url("postgresql://bot:hunter2@db.example/trendbot")
    assert "hunter2" not in shown
    assert "bot:***@db.example" in shown


def test_unreachable_database_is_a_one_line_error():
    # port 9 on loopback: nothing listens there, so the refusal is immediate
    engine = create_db_engine("postgresql://bot:hunter2@127.0.0.1:9/trendbot")
    with pytest.raises(DatabaseError) as caught:
        check_connection(engine)
    message = str(caught.value)
    assert "\n" not in message
    assert "cannot open database" in message
    assert "hunter2" not in message


def test_uncreatable_sqlite_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError, match="cannot create the folder"):
        create_db_engine(f"sqlite:///{blocker / 'sub' / 'bot.db'}")


def test_open_database_applies_migrations_on_start(database_url):
    from bot.store import open_database
    from bot.store.migrate import current_revision, head_revision

    engine = open_database(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_open_database_fails_in_one_line_when_unreachable():
    from bot.store import open_database

    with pytest.raises(DatabaseError, match="cannot open database"):
        open_database("postgresql://bot@127.0.0.1:9/none")
