"""security, second pass (issue 11)

Agents' sessions revoked (agent_sessions, from appeals' events). Algorithm ids are each
administration's own: a version's key is (administration, id, version).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.migrations import replace_unnamed_unique


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('agent_sessions',
    sa.Column('agent_id', sa.String(length=128), nullable=False),
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('agent_id')
    )
    replace_unnamed_unique('algorithm_versions', ['algorithm_id', 'version'],
                           'uq_algorithm_versions_key',
                           ['administration', 'algorithm_id', 'version'])
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_algorithm')
        batch_op.create_index('ix_decisions_algorithm',
                              ['administration', 'algorithm_id', 'algorithm_version'],
                              unique=False)


def downgrade() -> None:
    """Downgrade schema (fails if two administrations registered the same id and version)."""
    op.drop_table('agent_sessions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_algorithm')
        batch_op.create_index('ix_decisions_algorithm', ['algorithm_id', 'algorithm_version'],
                              unique=False)
    with op.batch_alter_table('algorithm_versions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_algorithm_versions_key', type_='unique')
        batch_op.create_unique_constraint('algorithm_versions_algorithm_id_version_key',
                                          ['algorithm_id', 'version'])
