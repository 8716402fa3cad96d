"""quarantine: a delivery key, so that decision_log's worker keeps no inbox for decisions

A decision delivered again by RabbitMQ (after a lost ack) was recognised through the consumer's
inbox: one more row per decision, read and written by every batch, never purged. It is now
recognised by what the transaction itself writes: a logged decision by its unique
(administration, decision_id), a quarantined one by this unique key (producer, message id and
the body's digest).

Revision ID: 0008_delivery_key
Revises: 0007_replay_index
Create Date: 2026-12-08 03:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008_delivery_key'
down_revision: Union[str, Sequence[str], None] = '0007_replay_index'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_key', sa.Text(), nullable=True))
        batch_op.create_unique_constraint('uq_quarantine_delivery_key', ['delivery_key'])


def downgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_constraint('uq_quarantine_delivery_key', type_='unique')
        batch_op.drop_column('delivery_key')
