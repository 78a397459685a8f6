"""turns.intent: which kind of non-complaint a message was (a greeting, thanks, booking...), so reports
count it neither as answered nor as a question the blog failed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intent', sa.String(length=24), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_column('intent')
