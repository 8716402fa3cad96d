"""documents built at first reading (issue 14)

An explanation with the default wording is stored with its mention and motif at once, its
document when it is first read: `document` and `readability` become nullable. Every revision
of an algorithm version is kept (`algorithm_revisions`, filled from the registry's read model),
and each wording's readability (`wording_readability`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('algorithm_revisions',
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('algorithm_id', sa.String(length=128), nullable=False),
    sa.Column('version', sa.String(length=128), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('document', JSON, nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('administration', 'algorithm_id', 'version', 'revision')
    )
    op.execute(
        "INSERT INTO algorithm_revisions "
        "(administration, algorithm_id, version, revision, document, received_at) "
        "SELECT administration, algorithm_id, version, revision, document, received_at "
        "FROM algorithm_versions"
    )
    op.create_table('wording_readability',
    sa.Column('administration', sa.String(length=64), nullable=False),
    sa.Column('algorithm_id', sa.String(length=128), nullable=False),
    sa.Column('version', sa.String(length=128), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('measured_on', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('administration', 'algorithm_id', 'version', 'revision', 'template')
    )
    with op.batch_alter_table('explanations', schema=None) as batch_op:
        batch_op.alter_column('document', existing_type=JSON, nullable=True)
        batch_op.alter_column('readability', existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    """Downgrade schema, once every explanation has its document: an unbuilt one cannot be
    dropped (it is what the notice announced) nor built here (that needs the explainer's code).
    Build them first: `explicite explanations materialize`."""
    unbuilt = op.get_bind().execute(
        sa.text("SELECT count(*) FROM explanations WHERE document IS NULL")
    ).scalar_one()
    if unbuilt:
        raise RuntimeError(
            f"{unbuilt} explanations have no document yet: run "
            "`explicite explanations materialize` before downgrading"
        )
    with op.batch_alter_table('explanations', schema=None) as batch_op:
        batch_op.alter_column('readability', existing_type=sa.Float(), nullable=False)
        batch_op.alter_column('document', existing_type=JSON, nullable=False)
    op.drop_table('wording_readability')
    op.drop_table('algorithm_revisions')
