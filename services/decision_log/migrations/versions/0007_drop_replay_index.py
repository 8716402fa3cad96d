"""decisions: drop ix_decisions_replay, which no query uses

The index on (administration, replay_status) was declared with the table and never read: the
register counts divergent decisions per algorithm version through ix_decisions_algorithm, and
nothing selects decisions by replay status. Every logged decision paid one more index entry
for it (PostgreSQL's CPU and WAL on the ingest path, docs/benchmark.md).

Revision ID: 0007_replay_index
Revises: 0006_tlog
Create Date: 2026-12-08 00:45:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0007_replay_index'
down_revision: Union[str, Sequence[str], None] = '0006_tlog'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_replay')


def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_replay', ['administration', 'replay_status'], unique=False)
