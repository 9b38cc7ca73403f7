"""A channel's digests never start at the same moment.

Two digest jobs racing (the schedule and an admin's "/digest now") read the same
previous period end, so they start together and differ only in their end; the
old key (channel, start, end) let both through. The key is now (channel, start).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_digest_runs_channel_id_period_start_period_end"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_digest_runs_channel_id_period_start"), ["channel_id", "period_start"]
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_digest_runs_channel_id_period_start"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_digest_runs_channel_id_period_start_period_end"),
            ["channel_id", "period_start", "period_end"],
        )
