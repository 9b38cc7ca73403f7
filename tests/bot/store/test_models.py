"""A storage round trip through every table, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from bot.store.models import (
    Article,
    Claim,
    Decision,
    DecisionLog,
    DigestRun,
    Entry,
    Feed,
    FeedHealth,
    HubModel,
    HubSnapshot,
    HubSnapshotRun,
    Mention,
    OutboxMessage,
    OutboxStatus,
    Verdict,
    VerdictStatus,
)

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BIG = 3_456_789_012  # all-time downloads past 2**31 must survive both databases


def test_round_trip_through_every_table(engine):
    with Session(engine) as session:
        feed = Feed(
            name="Lab news",
            url="https://lab.example/feed.xml",
            config_url="https://lab.example/feed.xml",
            etag='W/"abc"',
            last_modified="Fri, 20 Nov 2026 08:00:00 GMT",
            health=FeedHealth.FAILING,
            failure_count=2,
            last_status=503,
            last_error="HTTP 503 Service Unavailable",
            next_due_at=T0 + timedelta(minutes=30),
        )
        session.add(feed)
        session.flush()
        article = Article(
            canonical_url="https://lab.example/news/qwen-700m",
            identity_hash="a" * 64,
            feed_id=feed.id,
            title="Qwen passes 700 million downloads",
            text="Alibaba's Qwen family passed 700 million downloads on Hugging Face.",
            published_at=T0,
            content_hash="c" * 64,
            fingerprint=-(2**63) + 5,
        )
        session.add(article)
        session.flush()
        entry = Entry(
            feed_id=feed.id,
            identity_hash="e" * 64,
            guid="tag:lab.example,2026:1",
            link=article.canonical_url,
            article_id=article.id,
        )
        session.add(entry)
        session.add(
            Mention(
                article_id=article.id,
                kind="model",
                text="Qwen",
                start=10,
                end=14,
                canonical="Qwen",
                hub_author="Qwen",
            )
        )
        claim = Claim(
            article_id=article.id,
            text="700 million downloads",
            start=40,
            end=61,
            value=700_000_000,
            unit="downloads",
            metric="downloads_total",
            qualifier="more_than",
            subject="Qwen",
            subject_hub_id="Qwen",
        )
        ranged = Claim(
            article_id=article.id,
            text="600M to tens of billions",
            start=0,
            end=24,
            value=[600_000_000, 10_000_000_000],
            unit="parameters",
            metric="params_total",
        )
        session.add_all([claim, ranged])
        run = HubSnapshotRun(authors=["Qwen", "meta-llama"], models=2, requests=1, complete=True)
        session.add(run)
        session.flush()
        session.add(
            HubSnapshot(
                run_id=run.id,
                model_id="Qwen/Qwen2.5-1.5B-Instruct",
                author="Qwen",
                taken_at=T0,
                downloads_30d=12_345_678,
                downloads_all_time=BIG,
                likes=600,
                trending_score=12.5,
            )
        )
        session.add(
            HubModel(
                model_id="Qwen/Qwen2.5-1.5B-Instruct",
                author="Qwen",
                pipeline_tag="text-generation",
                last_run_id=run.id,
                downloads_all_time=BIG,
            )
        )
        session.add(
            Verdict(
                claim_id=claim.id,
                status=VerdictStatus.SUPPORTED,
                hub_value=702_400_000,
                scope="Hugging Face, family Qwen (author Qwen), 412 repos",
                as_of=T0,
                reason="702.4M all-time downloads >= 700M",
            )
        )
        session.add(
            OutboxMessage(
                dedupe_key="milestone:Qwen:700000000",
                kind="alert",
                route="alerts",
                channel_id=1_234_567_890_123_456_789,
                payload={"content": "Qwen passed 700 million", "embeds": [{"title": "é ✓"}]},
            )
        )
        session.add(DigestRun(channel_id=111, period_start=T0 - timedelta(days=1), period_end=T0))
        session.add(
            DecisionLog(
                feed_id=feed.id,
                entry_id=entry.id,
                article_id=article.id,
                link=article.canonical_url,
                identity_hash=entry.identity_hash,
                decision=Decision.BASELINE,
                detail="first fetch of the feed: stored, not posted",
                http_status=200,
            )
        )
        session.commit()

    with Session(engine) as session:
        feed = session.exec(select(Feed)).one()
        assert feed.health == "failing"
        assert feed.etag == 'W/"abc"'
        assert feed.next_due_at == T0 + timedelta(minutes=30)
        assert feed.next_due_at.tzinfo is not None
        article = session.exec(select(Article)).one()
        assert article.published_at == T0
        assert article.fingerprint == -(2**63) + 5
        assert article.fetched_at.tzinfo is not None
        entry = session.exec(select(Entry)).one()
        assert (entry.feed_id, entry.article_id) == (feed.id, article.id)
        claims = session.exec(select(Claim).order_by(Claim.id)).all()
        assert claims[0].value == 700_000_000
        assert claims[1].value == [600_000_000, 10_000_000_000]
        assert claims[0].qualifier == "more_than"
        snapshot = session.exec(select(HubSnapshot)).one()
        assert snapshot.downloads_all_time == BIG
        assert snapshot.taken_at == T0
        assert session.get(HubModel, "Qwen/Qwen2.5-1.5B-Instruct").downloads_all_time == BIG
        verdict = session.exec(select(Verdict)).one()
        assert verdict.claim_id == claims[0].id
        assert verdict.hub_value == 702_400_000
        message = session.exec(select(OutboxMessage)).one()
        assert message.status == OutboxStatus.PENDING
        assert message.channel_id == 1_234_567_890_123_456_789
        assert message.payload["embeds"][0]["title"] == "é ✓"
        assert session.exec(select(DigestRun)).one().period_end == T0
        assert session.exec(select(DecisionLog)).one().decision == "baseline"
        assert session.exec(select(HubSnapshotRun)).one().authors == ["Qwen", "meta-llama"]


def test_times_are_stored_as_instants_and_come_back_in_utc(engine):
    paris = timezone(timedelta(hours=1))
    with Session(engine) as session:
        session.add(HubSnapshotRun(started_at=datetime(2026, 11, 20, 10, 0, tzinfo=paris)))
        session.commit()
    with Session(engine) as session:
        run = session.exec(select(HubSnapshotRun)).one()
        assert run.started_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
        assert run.started_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine):
    with Session(engine) as session:
        session.add(HubSnapshotRun(started_at=datetime(2026, 11, 20, 9, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()


def test_outbox_dedupe_key_is_unique(engine):
    with Session(engine) as session:
        session.add(
            OutboxMessage(dedupe_key="digest:111:2026-11-20", kind="digest", route="digest")
        )
        session.commit()
    with Session(engine) as session:
        session.add(
            OutboxMessage(dedupe_key="digest:111:2026-11-20", kind="digest", route="digest")
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
    with Session(engine) as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 1


def test_an_entry_is_seen_once_per_feed(engine):
    with Session(engine) as session:
        feeds = [Feed(name=n, url=f"https://{n}.example/f", config_url="x") for n in ("a", "b")]
        session.add_all(feeds)
        session.flush()
        session.add(Entry(feed_id=feeds[0].id, identity_hash="h" * 64))
        session.add(Entry(feed_id=feeds[1].id, identity_hash="h" * 64))  # other feed: fine
        session.commit()
        session.add(Entry(feed_id=feeds[0].id, identity_hash="h" * 64))
        with pytest.raises(IntegrityError):
            session.commit()


def test_digest_period_is_unique_per_channel(engine):
    with Session(engine) as session:
        session.add(DigestRun(channel_id=111, period_start=T0, period_end=T0 + timedelta(days=1)))
        session.add(DigestRun(channel_id=222, period_start=T0, period_end=T0 + timedelta(days=1)))
        session.commit()
        session.add(DigestRun(channel_id=111, period_start=T0, period_end=T0 + timedelta(days=1)))
        with pytest.raises(IntegrityError):
            session.commit()


def test_foreign_keys_are_enforced(engine):
    with Session(engine) as session:
        session.add(Entry(feed_id=987654, identity_hash="x" * 64))
        with pytest.raises(IntegrityError):
            session.commit()
