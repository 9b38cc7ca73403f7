"""Storage: SQLModel tables, the database engine and Alembic migrations."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.store.db import DatabaseError, check_connection, create_db_engine, session_scope
from bot.store.migrate import upgrade

__all__ = ["DatabaseError", "open_database", "session_scope"]


def open_database(database: str) -> Engine:
    """The engine every command and the service start with: reachable, schema up to date.

    Migrations are applied here, on start, so an upgraded trendbot never runs
    against an old schema; a database that cannot be reached or migrated is a
    DatabaseError with a one-line reason.
    """
    engine = create_db_engine(database)
    check_connection(engine)
    upgrade(engine)
    return engine
