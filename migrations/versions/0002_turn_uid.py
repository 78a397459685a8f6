"""turns.uid: a unique id per logged turn, so replaying the writer's journal never logs one twice

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_turns_uid'), ['uid'], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_turns_uid'))
        batch_op.drop_column('uid')
