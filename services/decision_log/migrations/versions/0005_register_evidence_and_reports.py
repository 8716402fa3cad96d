"""register: evidence and error reports (issue 17)

The register's read model of appeals (from appeals' events), the public side of error reports
on register entries, and the rate limits of the report form.

Revision ID: 0005_register
Revises: 0004
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005_register'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('register_appeals',
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('appeal_id', sa.String(length=16), nullable=False),
    sa.Column('algorithm_id', sa.String(length=128), nullable=True),
    sa.Column('algorithm_version', sa.String(length=128), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('legal_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('overturned', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('administration', 'appeal_id')
    )
    with op.batch_alter_table('register_appeals', schema=None) as batch_op:
        batch_op.create_index('ix_register_appeals_version',
                              ['administration', 'algorithm_id', 'algorithm_version'],
                              unique=False)
    op.create_table('register_reports',
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('algorithm_id', sa.String(length=128), nullable=False),
    sa.Column('algorithm_version', sa.String(length=128), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('public_id')
    )
    with op.batch_alter_table('register_reports', schema=None) as batch_op:
        batch_op.create_index('ix_register_reports_version',
                              ['administration', 'algorithm_id', 'algorithm_version'],
                              unique=False)
    op.create_table('rate_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('bucket', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.create_index('ix_rate_events_bucket', ['bucket', 'at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_events_bucket')
    op.drop_table('rate_events')
    with op.batch_alter_table('register_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_register_reports_version')
    op.drop_table('register_reports')
    with op.batch_alter_table('register_appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_register_appeals_version')
    op.drop_table('register_appeals')
