"""Scoring trendbot's verdicts against a labelled set of claims and a fake Hub world.

The whole path runs as it does in production: the extractor reads each
paragraph (knowing the world's repo ids, as trendbot knows the tracked authors'
from its snapshots), the articles are stored, a snapshot is taken through the
real huggingface_hub client from a loopback Hub serving the world, names are
resolved and repos' metadata fetched there, and the verifier judges every claim.
Each labelled claim is then matched to the stored claim whose span overlaps it.

Two figures come out. *Coverage*: of the claims the world can settle (labelled
supported or contradicted), the share trendbot judges. *Wrong verdicts*: judged
claims whose verdict differs from the label; the target is none, since a wrong
"contradicted" is the worst thing trendbot can print.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

JUDGED = frozenset({"supported", "contradicted"})


@dataclass(frozen=True)
class Outcome:
    """One labelled claim: what the label says and what trendbot said."""

    record: str
    claim: str
    expected: str
    got: str | None  # None: the extractor found no claim there
    reason: str = ""
    metric: str | None = None

    @property
    def wrong(self) -> bool:
        return self.got in JUDGED and self.got != self.expected


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def checkable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.expected in JUDGED]

    @property
    def judged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.got in JUDGED]

    @property
    def coverage(self) -> float:
        checkable = self.checkable
        return sum(o.got in JUDGED for o in checkable) / len(checkable) if checkable else 0.0

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong]

    @property
    def accuracy(self) -> float:
        judged = self.judged
        return 1 - len(self.wrong) / len(judged) if judged else 1.0

    @property
    def missed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.got is None]


def load_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _hub_repo(data: dict[str, Any]) -> Any:
    from bot.demo.hub_server import HubRepo

    created = data.get("createdAt")
    safetensors = data.get("safetensors")
    return HubRepo(
        data["id"],
        downloads=int(data.get("downloads") or 0),
        downloads_all_time=int(data.get("downloadsAllTime") or 0),
        likes=int(data.get("likes") or 0),
        created_at=datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None,
        pipeline_tag=data.get("pipeline_tag", "text-generation"),
        library_name=data.get("library_name", "transformers"),
        safetensors=safetensors,
        config=data.get("config"),
        used_storage=data.get("usedStorage"),
        children=data.get("childrenModelCount"),
        card_data=data.get("cardData"),
        tags=data.get("tags"),
    )


CONFIG = """\
database: sqlite:///{database}
feeds: []
hub:
  endpoint: {endpoint}
  token_env: TRENDBOT_VERDICT_EVAL_NO_TOKEN
  snapshot_interval: 24h
  authors: [{authors}]
"""


def evaluate(world_path: Path, records: list[dict[str, Any]]) -> Score:
    """Run the labelled records through extraction, a snapshot and the verifier."""
    from sqlmodel import Session, select

    from bot.config.load import parse_settings
    from bot.demo.hub_server import FakeHub
    from bot.hub.client import list_tracked
    from bot.hub.job import take_snapshot, verify_new_claims
    from bot.store.db import create_db_engine
    from bot.store.ingest import store_extraction
    from bot.store.migrate import upgrade
    from bot.store.models import Article, Claim, HubRepoFacts, Verdict
    from extractors.evaluate import locate
    from extractors.pipeline import build_pipeline, extract

    world = json.loads(world_path.read_text("utf-8"))
    taken_at = datetime.fromisoformat(world["taken_at"].replace("Z", "+00:00"))
    repos = [_hub_repo(r) for r in world["repos"]]
    authors = sorted({r.author for r in repos})
    score = Score()
    with tempfile.TemporaryDirectory() as folder, FakeHub() as hub:
        hub.add(*repos)
        settings = parse_settings(
            CONFIG.format(
                database=Path(folder) / "eval.db",
                endpoint=hub.endpoint,
                authors=", ".join(authors),
            )
        )
        engine = create_db_engine(settings.database)
        upgrade(engine)
        nlp = build_pipeline(hub_ids=[r.id for r in repos])
        articles: dict[str, int] = {}
        with Session(engine) as session:
            for number, record in enumerate(records):
                day = datetime.fromisoformat(record["published"]).date()
                # an article of the snapshot's day is dated at the snapshot: the world is
                # the Hub as it stood that day
                published = (
                    taken_at if day == taken_at.date() else datetime.combine(day, time(12), UTC)
                )
                article = Article(
                    identity_hash=f"{number:064d}",
                    text=record["text"],
                    published_at=published,
                    fetched_at=published,
                )
                session.add(article)
                session.flush()
                found = extract(nlp, record["text"], day)
                store_extraction(session, article.id, found, published)
                articles[record["id"]] = article.id
            session.commit()
        listing = list_tracked(settings)
        listing.started_at = listing.finished_at = taken_at
        take_snapshot(settings, engine, listing)
        # the metadata was fetched now, but it is the Hub of the world's day: date it so
        # and judge again, as a snapshot taken that day would have
        with Session(engine) as session:
            for row in session.exec(select(HubRepoFacts)).all():
                row.fetched_at = taken_at
                row.data = {**row.data, "fetched_at": taken_at.isoformat()}
                session.add(row)
            for verdict in session.exec(select(Verdict)).all():
                session.delete(verdict)
            session.commit()
        verify_new_claims(settings, engine)
        with Session(engine) as session:
            for record in records:
                rows = session.exec(
                    select(Claim, Verdict)
                    .join(Verdict, Verdict.claim_id == Claim.id, isouter=True)
                    .where(Claim.article_id == articles[record["id"]])
                ).all()
                for item in record["expected"]:
                    start, end = locate(record["text"], item["claim"], item.get("occurrence", 1))
                    best = max(
                        rows,
                        key=lambda row: min(end, row[0].end) - max(start, row[0].start),
                        default=None,
                    )
                    overlaps = best is not None and min(end, best[0].end) > max(
                        start, best[0].start
                    )
                    claim, verdict = best if overlaps else (None, None)
                    score.outcomes.append(
                        Outcome(
                            record=record["id"],
                            claim=item["claim"],
                            expected=item["verdict"],
                            got=(verdict.status if verdict else None) if claim else None,
                            reason=verdict.reason if verdict else "",
                            metric=claim.metric if claim else None,
                        )
                    )
        engine.dispose()
    return score
