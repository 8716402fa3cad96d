"""routes, timeliness, examination evidence, signers

Appeals record the date that counts for their delay (postmark or receipt), whether they were
in time, whether they were written, the evidence of examination and how a mandatory prior
appeal was decided; agents gain what a letter says of its signer; letters a Reply-To.

Revision ID: 0006_routes
Revises: 0005_register
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision: str = '0006_routes'
down_revision: Union[str, Sequence[str], None] = '0005_register'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('last_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('quality', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('delegation', sa.String(length=300), nullable=True))
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('postmarked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('in_time', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('written', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('examination', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('main_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_body', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('deliberated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reexamine_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('validation_reasons', sa.Text(), nullable=True))
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        for column in ('validation_reasons', 'reexamine_by', 'deliberated_on',
                       'decided_by_body', 'main_reason', 'examination', 'written', 'in_time',
                       'postmarked_on', 'filed_on'):
            batch_op.drop_column(column)
    with op.batch_alter_table('agents', schema=None) as batch_op:
        for column in ('delegation', 'quality', 'last_name', 'first_name'):
            batch_op.drop_column(column)
