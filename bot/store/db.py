"""Opening the database: one engine per process, tuned for SQLite or PostgreSQL.

SQLite is the embedded default, so it gets what a long-running writer with
concurrent readers needs: WAL journaling, a busy timeout instead of instant
"database is locked" errors, and foreign keys switched on. PostgreSQL URLs are
routed to the psycopg 3 driver whatever driver name the admin wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message is one line for the admin."""


def normalised_url(database: str | URL) -> URL:
    """The URL with the driver trendbot uses: pysqlite for SQLite, psycopg 3 for PostgreSQL."""
    url = make_url(database)
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


def display_url(database: str | URL) -> str:
    """The URL safe to print: the password, if any, is masked."""
    return make_url(database).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def create_db_engine(database: str | URL, *, echo: bool = False) -> Engine:
    """An engine for ``database``; creates the folder of a SQLite file if needed."""
    url = normalised_url(database)
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        if path and path != ":memory:" and not path.startswith("file:"):
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the folder for {path}: {exc.strerror or exc}"
                ) from None
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def check_connection(engine: Engine) -> None:
    """Connect once, turning any driver error into a one-line DatabaseError."""
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseError(f"cannot open database {display_url(engine.url)}: {reason}") from None
