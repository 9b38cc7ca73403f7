"""Migrations: they build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.store.db import create_db_engine
from bot.store.migrate import current_revision, head_revision, upgrade
from bot.store.models import metadata


def test_upgrade_builds_the_schema_the_models_describe(database_url):
    engine = create_db_engine(database_url)
    try:
        assert current_revision(engine) is None
        before, after = upgrade(engine)
        assert (before, after) == (None, head_revision())
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        tables = set(inspect(engine).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= tables
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_keeps_data(engine):
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO feeds (name, url, config_url, health, failure_count, created_at,"
                " updated_at) VALUES ('kept', 'https://k.example/f', 'x', 'ok', 0,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    head = head_revision()
    assert upgrade(engine) == (head, head)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM feeds")).scalar_one() == "kept"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'bot.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert (tmp_path / "nested" / "dir" / "bot.db").exists()
    finally:
        engine.dispose()


def test_the_head_revision_constant_is_alembics_head():
    from bot.store import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
