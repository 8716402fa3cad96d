"""security, second pass (issue 11)

Agents' sessions revoked (agent_sessions, from appeals' events). Algorithm ids are each
administration's own: a version's key is (administration, id, version),
in the registry's read model, the templates and the decisions' index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.migrations import replace_unnamed_unique


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
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
    replace_unnamed_unique('explanation_templates',
                           ['algorithm_id', 'algorithm_version', 'version'],
                           'uq_explanation_templates_key',
                           ['administration', 'algorithm_id', 'algorithm_version', 'version'])
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_algorithm_status')
        batch_op.create_index('ix_decisions_algorithm_status',
                              ['administration', 'algorithm_id', 'algorithm_version', 'status'],
                              unique=False)


def downgrade() -> None:
    """Downgrade schema (fails if two administrations registered the same id and version)."""
    op.drop_table('agent_sessions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_algorithm_status')
        batch_op.create_index('ix_decisions_algorithm_status',
                              ['algorithm_id', 'algorithm_version', 'status'], unique=False)
    with op.batch_alter_table('explanation_templates', schema=None) as batch_op:
        batch_op.drop_constraint('uq_explanation_templates_key', type_='unique')
        batch_op.create_unique_constraint(
            'explanation_templates_algorithm_id_algorithm_version_versio_key',
            ['algorithm_id', 'algorithm_version', 'version'])
    with op.batch_alter_table('algorithm_versions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_algorithm_versions_key', type_='unique')
        batch_op.create_unique_constraint('algorithm_versions_algorithm_id_version_key',
                                          ['algorithm_id', 'version'])
