"""Opening databases: drivers, displayed URLs, one-line errors, faults and missing files."""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine as plain_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from bot.store import open_database
from bot.store.db import (
    DatabaseError,
    DatabaseMissing,
    DatabaseUnavailable,
    check_connection,
    check_writable,
    create_db_engine,
    display_url,
    error_line,
    faults,
    normalised_url,
)
from bot.store.models import Feed


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
    with pytest.raises(DatabaseError, match="cannot open database"):
        open_database("postgresql://bot@127.0.0.1:9/none")


# -- faults: read-only, full, locked, unreachable, missing -------------------------------


def read_only_url(path: Path) -> str:
    """A URL of a SQLite file trendbot may read and not write.

    The file is made read-only; root ignores file permissions, so there SQLite is
    asked to open it read-only (``mode=ro``), which is what it does by itself with
    a file it may not write: the same error, from the same place.
    """
    path.chmod(0o444)
    if os.geteuid() != 0:
        return f"sqlite:///{path}"
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def migrated(path: Path) -> Path:
    engine = open_database(f"sqlite:///{path}")
    engine.dispose()
    return path


def assert_one_clean_line(message: str) -> None:
    assert "\n" not in message
    for sql in ("INSERT", "UPDATE", "SELECT", "[SQL", "parameters"):
        assert sql not in message


def test_a_read_only_file_is_one_line_that_names_it(tmp_path):
    path = migrated(tmp_path / "bot.db")
    engine = create_db_engine(read_only_url(path))
    try:
        with pytest.raises(DatabaseUnavailable) as caught, Session(engine) as session:
            session.add(Feed(name="x", url="https://x.example/f", config_url="x"))
            session.commit()
        assert caught.value.kind == "read_only"
        message = str(caught.value)
        assert_one_clean_line(message)
        assert str(path) in message and "read-only" in message
        assert faults(engine).last is caught.value  # known even where a caller swallows it
    finally:
        engine.dispose()
        path.chmod(0o644)


def test_writing_commands_find_a_read_only_file_before_any_work(tmp_path):
    path = migrated(tmp_path / "bot.db")
    url = read_only_url(path)
    try:
        open_database(url).dispose()  # reading is fine
        with pytest.raises(DatabaseUnavailable, match="read-only"):
            open_database(url, write=True)
    finally:
        path.chmod(0o644)


def test_a_lock_held_past_the_busy_timeout_is_one_line(tmp_path, monkeypatch):
    from bot.store import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = migrated(tmp_path / "bot.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            check_writable(engine)
        assert caught.value.kind == "locked"
        assert_one_clean_line(str(caught.value))
        assert f"database {path} is locked by another process" in str(caught.value)
        holder.execute("ROLLBACK")
        check_writable(engine)  # released: writable again, nothing to reopen
    finally:
        holder.close()
        engine.dispose()


def test_a_full_disk_is_one_line(tmp_path):
    path = migrated(tmp_path / "bot.db")
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
            connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")  # the disk, full
            with pytest.raises(DatabaseUnavailable) as caught:
                connection.execute(
                    text(
                        "INSERT INTO feeds (name, url, config_url, health, failure_count,"
                        " created_at, updated_at) VALUES (:name, 'u', 'c', 'ok', 0, :at, :at)"
                    ),
                    {"name": "x" * 200_000, "at": datetime.now(UTC)},
                )
        assert caught.value.kind == "disk_full"
        assert str(caught.value) == f"cannot write to database {path}: the disk is full"
    finally:
        engine.dispose()


def test_errors_of_the_statement_itself_are_left_alone(tmp_path):
    engine = create_db_engine(f"sqlite:///{migrated(tmp_path / 'bot.db')}")
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO feeds (name, url, config_url, health, failure_count,"
                    " created_at, updated_at) VALUES ('a', 'u', 'c', 'ok', 0, :at, :at)"
                ),
                {"at": datetime.now(UTC)},
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:  # "already there"
            connection.execute(
                text(
                    "INSERT INTO feeds (name, url, config_url, health, failure_count,"
                    " created_at, updated_at) VALUES ('a', 'u', 'c', 'ok', 0, :at, :at)"
                ),
                {"at": datetime.now(UTC)},
            )
        with pytest.raises(OperationalError) as caught, engine.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table"))
        assert faults(engine).last is None
        line = error_line(caught.value)
        assert line == "database error: no such table: no_such_table"
        assert "SELECT" in str(caught.value)  # what error_line keeps out of sight
    finally:
        engine.dispose()


def test_a_file_that_is_no_database_is_a_fatal_one_line_error(tmp_path):
    path = tmp_path / "bot.db"
    path.write_bytes(b"\x00\xff not SQLite at all \x13\x37" * 200)
    heard: list[DatabaseUnavailable] = []
    engine = create_db_engine(f"sqlite:///{path}")
    faults(engine).listen(heard.append)
    try:
        with pytest.raises(DatabaseError) as caught:
            open_database(f"sqlite:///{path}", write=True)
        # nothing to wait for: the service does not pause for it, `run` stops
        assert not isinstance(caught.value, DatabaseUnavailable)
        assert str(caught.value) == (
            f"database {path} is damaged or is not a SQLite database (file is not a database)"
        )
        with pytest.raises(DatabaseError) as again, engine.connect():
            pass
        assert not isinstance(again.value, DatabaseUnavailable)
        assert heard == [] and faults(engine).last is None  # no listener told of a "fault"
    finally:
        engine.dispose()


def test_error_line_is_one_line_without_sql_for_any_error(tmp_path):
    engine = create_db_engine(f"sqlite:///{migrated(tmp_path / 'bot.db')}")
    try:
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO feeds (name) VALUES (:name)"), {"name": "x"})
        assert "[SQL: INSERT INTO feeds" in str(caught.value)
        assert "[parameters:" in str(caught.value)
        assert error_line(caught.value) == "database error: NOT NULL constraint failed: feeds.url"
    finally:
        engine.dispose()
    assert error_line(RuntimeError("worker crashed\nmore detail")) == "RuntimeError: worker crashed"
    assert error_line(TimeoutError()) == "TimeoutError"
    fault = DatabaseUnavailable("database x is locked by another process", "locked")
    assert error_line(fault) == "database x is locked by another process"
    assert error_line(ValueError("bad [SQL: SELECT 1]")) == "ValueError: bad"


def test_postgresql_down_is_a_fault_the_service_may_wait_out():
    engine = create_db_engine("postgresql://bot:hunter2@127.0.0.1:9/trendbot")
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            check_connection(engine)
        assert caught.value.kind == "unreachable"
        assert_one_clean_line(str(caught.value))
        assert str(caught.value).startswith("cannot open database postgresql+psycopg://bot:***@")
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_restarting_under_an_open_transaction_is_one_line_and_passes(postgres_url):
    engine = open_database(postgres_url)
    admin = plain_engine(make_url_psycopg(postgres_url))
    try:
        with Session(engine) as session:
            session.add(Feed(name="kept", url="https://k.example/f", config_url="k"))
            session.commit()
        with pytest.raises(DatabaseUnavailable) as caught, engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
            with admin.begin() as other:  # what a restart does to every connection
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            connection.execute(text("SELECT 1"))
        assert caught.value.kind == "disconnected"
        assert_one_clean_line(str(caught.value))
        assert str(caught.value).startswith("lost the connection to database postgresql")
        with Session(engine) as session:  # back by itself, and nothing lost
            assert session.exec(text("SELECT name FROM feeds")).scalar() == "kept"
    finally:
        admin.dispose()
        engine.dispose()


def make_url_psycopg(url: str):
    return make_url(url).set(drivername="postgresql+psycopg")


def test_commands_that_only_read_never_create_a_database(tmp_path):
    missing = tmp_path / "typo" / "bot.db"
    with pytest.raises(DatabaseMissing) as caught:
        open_database(f"sqlite:///{missing}", create=False)
    assert str(caught.value) == (
        f"database {missing} does not exist; run `trendbot db upgrade` to create it"
    )
    assert not missing.parent.exists()  # neither the file nor its folder
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(DatabaseMissing, match="holds no trendbot tables; run `trendbot db"):
        open_database(f"sqlite:///{empty}", create=False)
    open_database(f"sqlite:///{missing}").dispose()  # the commands that write create it
    assert missing.is_file()
    open_database(f"sqlite:///{missing}", create=False).dispose()


@pytest.mark.postgres
def test_an_empty_postgresql_schema_is_not_filled_by_a_reading_command(postgres_url):
    with pytest.raises(DatabaseMissing, match="trendbot db upgrade"):
        open_database(postgres_url, create=False)
    engine = create_db_engine(postgres_url)
    try:
        with engine.connect() as connection:
            tables = connection.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                    "current_schema()"
                )
            ).scalar()
        assert tables == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///data/trendbot.db", "data/trendbot.db"),
        ("sqlite:///file:data/trendbot.db?mode=ro&uri=true", "data/trendbot.db"),
        ("sqlite:///file:x?mode=memory&uri=true", None),  # a URI database in memory
        ("sqlite:///:memory:", None),
        ("sqlite://", None),
        ("postgresql://u@h/db", None),
    ],
)
def test_the_file_of_a_sqlite_url(url, path):
    from pathlib import Path

    from bot.store.db import sqlite_path

    assert sqlite_path(url) == (Path(path) if path else None)
