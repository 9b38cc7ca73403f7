"""Claims keep their sentence, period and detail; verdicts name the repo and field;
repos' Hub metadata and name lookups are stored.

The verifier used to re-find a claim's sentence and re-parse its months from the
article; now the extractor's reading travels with the claim. Metadata verdicts
(parameters, context, licence, ...) need each repo's ``model_info`` kept with the
time it was fetched, and names resolved on the Hub are cached so that each costs
one request a day at most.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_link", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("sentence", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("period", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.String(length=100), nullable=True))
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("wanted", sa.String(length=200), nullable=True))
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("repo", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("hub_field", sa.String(length=100), nullable=True))
    op.create_table(
        "hub_repo_facts",
        sa.Column("repo_id", sa.String(length=200), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("repo_id", name=op.f("pk_hub_repo_facts")),
    )
    with op.batch_alter_table("hub_repo_facts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hub_repo_facts_fetched_at"), ["fetched_at"], unique=False
        )
    op.create_table(
        "hub_name_lookups",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("repo_id", sa.String(length=200), nullable=True),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_hub_name_lookups")),
    )


def downgrade() -> None:
    op.drop_table("hub_name_lookups")
    with op.batch_alter_table("hub_repo_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hub_repo_facts_fetched_at"))
    op.drop_table("hub_repo_facts")
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_column("hub_field")
        batch_op.drop_column("repo")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_column("wanted")
        batch_op.drop_column("link")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("detail")
        batch_op.drop_column("period")
        batch_op.drop_column("sentence")
        batch_op.drop_column("subject_link")
