"""dispatches name their sender; appeals keep when the person received the decision

A letter's e-mail names the service that wrote it in its From (« Service petite enfance de
Ville-Exemple via Explicite »): the dispatch carries the service's name (review finding 13).
An agent records the day the person says they received the decision, from which the delay
is counted again (review finding 3).

Revision ID: 0007_dispatch_sender
Revises: 0006_routes
Create Date: 2026-12-07

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007_dispatch_sender'
down_revision: Union[str, Sequence[str], None] = '0006_routes'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_received_on', sa.Date(), nullable=True))
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=200), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('sender_name')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_column('decision_received_on')
