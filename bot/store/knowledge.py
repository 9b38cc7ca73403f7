"""What the database knows that the extractor can use: the repo ids of the tracked authors."""

from __future__ import annotations

from pathlib import Path


def known_repo_ids(database: str) -> list[str]:
    """Repo ids from Hub snapshots, when a database with snapshots exists; else none.

    Read without migrating or creating anything, so that a command that only needs
    the extractor neither creates a database file nor fails for want of one.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session, select

    from bot.store.db import DatabaseError, create_db_engine
    from bot.store.models import HubModel

    url = make_url(database)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return []
    try:
        engine = create_db_engine(database)
        try:
            with Session(engine) as session:
                return list(session.exec(select(HubModel.model_id)))
        finally:
            engine.dispose()
    except (SQLAlchemyError, DatabaseError):
        return []
