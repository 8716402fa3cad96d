"""security, second pass (issue 11)

Teams may work on a need-to-know basis (teams). Agents carry a session generation (sessions end everywhere on sign-out, a new password or a
disabled account). Algorithm ids are each administration's own: the registry's read model is keyed by
(administration, id, version).

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
    op.create_table('teams',
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('team', sa.String(length=64), nullable=False),
    sa.Column('need_to_know', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('administration', 'team')
    )
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0',
                                      nullable=False))
    replace_unnamed_unique('algorithms', ['algorithm_id', 'version'], 'uq_algorithms_key',
                           ['administration', 'algorithm_id', 'version'])


def downgrade() -> None:
    """Downgrade schema (fails if two administrations registered the same id and version)."""
    op.drop_table('teams')
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
    with op.batch_alter_table('algorithms', schema=None) as batch_op:
        batch_op.drop_constraint('uq_algorithms_key', type_='unique')
        batch_op.create_unique_constraint('algorithms_algorithm_id_version_key',
                                          ['algorithm_id', 'version'])
