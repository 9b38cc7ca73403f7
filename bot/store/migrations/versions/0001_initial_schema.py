"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 14:34:06.330491
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outbox_key", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint(
            "channel_id",
            "period_start",
            "period_end",
            name=op.f("uq_digest_runs_channel_id_period_start_period_end"),
        ),
    )
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("config_url", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=1024), nullable=True),
        sa.Column("last_modified", sa.String(length=128), nullable=True),
        sa.Column("health", sa.String(length=16), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("last_fetch_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("baseline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
        sa.UniqueConstraint("name", name=op.f("uq_feeds_name")),
    )
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feeds_next_due_at"), ["next_due_at"], unique=False)

    op.create_table(
        "hub_snapshot_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("models", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_snapshot_runs")),
    )
    with op.batch_alter_table("hub_snapshot_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hub_snapshot_runs_complete"), ["complete"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hub_snapshot_runs_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("route", sa.String(length=100), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.String(length=2048), nullable=True),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=1000), nullable=True),
        sa.Column("author", sa.String(length=500), nullable=True),
        sa.Column("site_name", sa.String(length=300), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_source", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("fingerprint", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name=op.f("fk_articles_feed_id_feeds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_content_hash"), ["content_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_fetched_at"), ["fetched_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_fingerprint"), ["fingerprint"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_articles_identity_hash"), ["identity_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_articles_published_at"), ["published_at"], unique=False
        )

    op.create_table(
        "feed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("health_from", sa.String(length=16), nullable=False),
        sa.Column("health_to", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name=op.f("fk_feed_events_feed_id_feeds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_events")),
    )
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_events_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feed_events_reported_at"), ["reported_at"], unique=False
        )

    op.create_table(
        "hub_models",
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("pipeline_tag", sa.String(length=100), nullable=True),
        sa.Column("library_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloads_30d", sa.BigInteger(), nullable=False),
        sa.Column("downloads_all_time", sa.BigInteger(), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("trending_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["hub_snapshot_runs.id"],
            name=op.f("fk_hub_models_last_run_id_hub_snapshot_runs"),
        ),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_hub_models")),
    )
    with op.batch_alter_table("hub_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hub_models_author"), ["author"], unique=False)

    op.create_table(
        "hub_snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("downloads_30d", sa.BigInteger(), nullable=False),
        sa.Column("downloads_all_time", sa.BigInteger(), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("trending_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["hub_snapshot_runs.id"],
            name=op.f("fk_hub_snapshots_run_id_hub_snapshot_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_snapshots")),
    )
    with op.batch_alter_table("hub_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hub_snapshots_author_taken_at", ["author", "taken_at"], unique=False
        )
        batch_op.create_index(
            "ix_hub_snapshots_model_id_taken_at", ["model_id", "taken_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hub_snapshots_run_id"), ["run_id"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=48), nullable=False),
        sa.Column("qualifier", sa.String(length=16), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("subject_hub_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_claims_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_metric"), ["metric"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claims_subject_hub_id"), ["subject_hub_id"], unique=False
        )

    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("guid", sa.String(length=2048), nullable=True),
        sa.Column("link", sa.String(length=2048), nullable=True),
        sa.Column("title", sa.String(length=1000), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_entries_article_id_articles")
        ),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name=op.f("fk_entries_feed_id_feeds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint(
            "feed_id", "identity_hash", name=op.f("uq_entries_feed_id_identity_hash")
        ),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entries_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entries_link"), ["link"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("canonical", sa.String(length=300), nullable=True),
        sa.Column("hub_id", sa.String(length=200), nullable=True),
        sa.Column("hub_author", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_mentions_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentions_canonical"), ["canonical"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentions_hub_author"), ["hub_author"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentions_hub_id"), ["hub_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=2048), nullable=True),
        sa.Column("identity_hash", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=2000), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_decisions_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_decisions_entry_id_entries")
        ),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name=op.f("fk_decisions_feed_id_feeds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_decision"), ["decision"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_link"), ["link"], unique=False)

    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hub_value", sa.JSON(), nullable=True),
        sa.Column("scope", sa.String(length=300), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_verdicts_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdicts")),
    )
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verdicts_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_verdicts_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verdicts_status"))
        batch_op.drop_index(batch_op.f("ix_verdicts_claim_id"))

    op.drop_table("verdicts")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_link"))
        batch_op.drop_index(batch_op.f("ix_decisions_feed_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_decision"))
        batch_op.drop_index(batch_op.f("ix_decisions_at"))

    op.drop_table("decisions")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_hub_id"))
        batch_op.drop_index(batch_op.f("ix_mentions_hub_author"))
        batch_op.drop_index(batch_op.f("ix_mentions_canonical"))
        batch_op.drop_index(batch_op.f("ix_mentions_article_id"))

    op.drop_table("mentions")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entries_link"))
        batch_op.drop_index(batch_op.f("ix_entries_article_id"))

    op.drop_table("entries")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_subject_hub_id"))
        batch_op.drop_index(batch_op.f("ix_claims_metric"))
        batch_op.drop_index(batch_op.f("ix_claims_article_id"))

    op.drop_table("claims")
    with op.batch_alter_table("hub_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hub_snapshots_run_id"))
        batch_op.drop_index("ix_hub_snapshots_model_id_taken_at")
        batch_op.drop_index("ix_hub_snapshots_author_taken_at")

    op.drop_table("hub_snapshots")
    with op.batch_alter_table("hub_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hub_models_author"))

    op.drop_table("hub_models")
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_events_reported_at"))
        batch_op.drop_index(batch_op.f("ix_feed_events_feed_id"))

    op.drop_table("feed_events")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_published_at"))
        batch_op.drop_index(batch_op.f("ix_articles_identity_hash"))
        batch_op.drop_index(batch_op.f("ix_articles_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_articles_fetched_at"))
        batch_op.drop_index(batch_op.f("ix_articles_feed_id"))
        batch_op.drop_index(batch_op.f("ix_articles_content_hash"))

    op.drop_table("articles")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt_at")

    op.drop_table("outbox")
    with op.batch_alter_table("hub_snapshot_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hub_snapshot_runs_started_at"))
        batch_op.drop_index(batch_op.f("ix_hub_snapshot_runs_complete"))

    op.drop_table("hub_snapshot_runs")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feeds_next_due_at"))

    op.drop_table("feeds")
    op.drop_table("digest_runs")
