"""call-back inbox: an owner and latest outcome per request, callback_events (who did what, when), turn language

Revision ID: 0007_callback_inbox
Revises: 0006_teaching
Create Date: 2026-12-07 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_callback_inbox'
down_revision = '0006_teaching'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('callbacks') as batch:
        batch.add_column(sa.Column('owner', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('outcome', sa.String(length=24), nullable=True))
        batch.create_index('ix_callbacks_owner', ['owner'])
    with op.batch_alter_table('turns') as batch:
        batch.add_column(sa.Column('lang', sa.String(length=8), nullable=True))
    op.create_table(
        'callback_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('callback_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('by', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=24), nullable=True),
        sa.Column('owner', sa.String(length=254), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['callback_id'], ['callbacks.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_callback_events_callback_id', 'callback_events', ['callback_id'])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_callback_events_callback_id', table_name='callback_events')
    op.drop_table('callback_events')
    with op.batch_alter_table('turns') as batch:
        batch.drop_column('lang')
    with op.batch_alter_table('callbacks') as batch:
        batch.drop_index('ix_callbacks_owner')
        batch.drop_column('outcome')
        batch.drop_column('owner')
