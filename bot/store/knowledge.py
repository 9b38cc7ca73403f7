"""What the database knows that the extractor can use: repo ids known to exist, and names
the Hub resolved to a repo (so that "Mixtral 8x7B" links to mistralai/Mixtral-8x7B-v0.1)."""

from __future__ import annotations

from pathlib import Path


def known_repo_ids(database: str) -> list[str]:
    """Repo ids known to exist, when a database exists; else none."""
    return known_links(database)[0]


def known_links(database: str) -> tuple[list[str], dict[str, str]]:
    """Repo ids known to exist (from snapshots, fetched metadata and resolved names), and
    the names the Hub resolved, when a database exists; else nothing.

    Read without migrating or creating anything, so that a command that only needs
    the extractor neither creates a database file nor fails for want of one.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session, select

    from bot.store.db import DatabaseError, create_db_engine
    from bot.store.metadata import resolved_names
    from bot.store.models import HubModel, HubRepoFacts

    url = make_url(database)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return [], {}
    try:
        engine = create_db_engine(database)
        try:
            with Session(engine) as session:
                repos = list(session.exec(select(HubModel.model_id)))
                try:
                    repos += session.exec(
                        select(HubRepoFacts.repo_id).where(HubRepoFacts.found)
                    ).all()
                    names = resolved_names(session)
                except SQLAlchemyError:
                    return repos, {}  # a database from before these tables
                return list(dict.fromkeys([*repos, *names.values()])), names
        finally:
            engine.dispose()
    except (SQLAlchemyError, DatabaseError):
        return [], {}
