"""register: error reports (issue 17)

Reports of an error in the public register, for the algorithm's owners in the console.

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
    op.create_table('register_reports',
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('algorithm_id', sa.String(length=128), nullable=False),
    sa.Column('algorithm_version', sa.String(length=128), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=128), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('public_id')
    )
    with op.batch_alter_table('register_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_reports_administration'),
                              ['administration'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('register_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_reports_administration'))
    op.drop_table('register_reports')
