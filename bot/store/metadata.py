"""Repos' Hub metadata and resolved model names in the database.

Metadata verdicts (parameters, context, licence, ...) read a repo's
``model_info`` as it was fetched, with the time it was fetched, so a verdict can
say "as of". A repo is fetched again at most once a day, and only while news
names it. A model name the press spells as one checkpoint ("Llama 3.1 70B") is
resolved on the Hub once: the answer, a repo or nothing, is kept with its time;
a name that resolved to nothing is asked again after a day at the earliest, one
that resolved to a repo never.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.hub.repo_facts import RepoFacts
from bot.store.models import Claim, HubNameLookup, HubRepoFacts, Mention, Verdict
from extractors.vocabulary import METADATA_METRICS, Link

REFRESH = timedelta(days=1)  # metadata older than this is fetched again when news names it
RETRY_UNRESOLVED = timedelta(days=1)  # a name that matched nothing is asked again after this


def _upsert(session: Session, table: type, key: str, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[key],
        set_={name: statement.excluded[name] for name in rows[0] if name != key},
    )
    session.execute(statement, rows)


def save_facts(session: Session, facts: Sequence[RepoFacts]) -> None:
    """Store fetched metadata, and drop the metadata verdicts it may change (caller commits).

    Those claims are judged again with the new metadata by the next verification pass,
    so a verdict written while the metadata was missing does not stay "not fetched yet".
    """
    _upsert(
        session,
        HubRepoFacts,
        "repo_id",
        [
            {
                "repo_id": f.repo_id,
                "fetched_at": f.fetched_at,
                "found": f.found,
                "data": f.to_json(),
            }
            for f in facts
        ],
    )
    repos = [f.repo_id for f in facts]
    if repos:
        judged = select(Claim.id).where(
            col(Claim.subject_hub_id).in_(repos),
            col(Claim.metric).in_([str(m) for m in METADATA_METRICS]),
        )
        session.execute(delete(Verdict).where(col(Verdict.claim_id).in_(judged)))


def load_facts(session: Session, repo_ids: Iterable[str]) -> dict[str, RepoFacts]:
    wanted = list(dict.fromkeys(repo_ids))
    if not wanted:
        return {}
    rows = session.exec(select(HubRepoFacts).where(col(HubRepoFacts.repo_id).in_(wanted))).all()
    return {row.repo_id: RepoFacts.from_json(row.data) for row in rows}


class FactsLookup:
    """A repo's stored metadata for the verifier, read once per repo."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, RepoFacts | None] = {}

    def __call__(self, repo_id: str) -> RepoFacts | None:
        if repo_id not in self._cache:
            self._cache[repo_id] = load_facts(self.session, [repo_id]).get(repo_id)
        return self._cache[repo_id]


def repos_to_refresh(session: Session, now: datetime, limit: int) -> list[str]:
    """Repos that claims' metadata figures are about, with no metadata or day-old metadata.

    Only claims still waiting for a verdict count: a repo nobody writes about is not
    fetched again.
    """
    judged = select(Verdict.claim_id)
    named = session.exec(
        select(Claim.subject_hub_id)
        .where(
            col(Claim.subject_link) == str(Link.REPO),
            col(Claim.metric).in_([str(m) for m in METADATA_METRICS]),
            col(Claim.id).not_in(judged),
        )
        .distinct()
    ).all()
    named = [repo for repo in named if repo]
    if not named:
        return []
    fresh = set(
        session.exec(
            select(HubRepoFacts.repo_id).where(
                col(HubRepoFacts.repo_id).in_(named), col(HubRepoFacts.fetched_at) > now - REFRESH
            )
        ).all()
    )
    return sorted(repo for repo in named if repo not in fresh)[:limit]


def names_to_resolve(session: Session, now: datetime, limit: int) -> list[tuple[str, str]]:
    """(name, author) pairs of unresolved checkpoint mentions that may be asked about now."""
    pairs = session.exec(
        select(Mention.wanted, Mention.hub_author)
        .where(col(Mention.link) == str(Link.UNRESOLVED), col(Mention.wanted).is_not(None))
        .distinct()
    ).all()
    pairs = [(name, author) for name, author in pairs if name and author]
    if not pairs:
        return []
    asked = {
        row.name: row
        for row in session.exec(
            select(HubNameLookup).where(col(HubNameLookup.name).in_([n for n, _a in pairs]))
        ).all()
    }
    due = []
    for name, author in pairs:
        lookup = asked.get(name)
        if lookup is None or (
            lookup.repo_id is None and lookup.looked_up_at <= now - RETRY_UNRESOLVED
        ):
            due.append((name, author))
    return sorted(set(due))[:limit]


def resolved_names(session: Session) -> dict[str, str]:
    """Names the Hub resolved to a repo: the extractor links them directly next time."""
    rows = session.exec(
        select(HubNameLookup.name, HubNameLookup.repo_id).where(
            col(HubNameLookup.repo_id).is_not(None)
        )
    ).all()
    return {name: repo for name, repo in rows if repo}


def save_lookup(
    session: Session, name: str, author: str, repo_id: str | None, candidates: int, now: datetime
) -> None:
    """Record a name's lookup; a resolved name relinks its mentions and claims (caller commits).

    Claims about the name were judged "unresolved"; their verdicts are dropped so the
    next pass judges them against the repo.
    """
    _upsert(
        session,
        HubNameLookup,
        "name",
        [
            {
                "name": name,
                "author": author,
                "looked_up_at": now,
                "repo_id": repo_id,
                "candidates": candidates,
            }
        ],
    )
    if repo_id is None:
        return
    mentions = session.exec(
        select(Mention.article_id, Mention.text).where(
            col(Mention.wanted) == name, col(Mention.link) == str(Link.UNRESOLVED)
        )
    ).all()
    session.execute(
        update(Mention)
        .where(col(Mention.wanted) == name, col(Mention.link) == str(Link.UNRESOLVED))
        .values(hub_id=repo_id, link=str(Link.REPO))
    )
    for article_id, text in set(mentions):
        claims = select(Claim.id).where(
            col(Claim.article_id) == article_id,
            col(Claim.subject) == text,
            col(Claim.subject_link) == str(Link.UNRESOLVED),
        )
        session.execute(delete(Verdict).where(col(Verdict.claim_id).in_(claims)))
        session.execute(
            update(Claim)
            .where(col(Claim.id).in_(claims))
            .values(subject_hub_id=repo_id, subject_link=str(Link.REPO))
        )
