"""login_throttle: login attempts counted per address, account and both, with their back-off

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.DateTime(), nullable=False),
        sa.Column('blocked_until', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_login_throttle_first_at', 'login_throttle', ['first_at'])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_login_throttle_first_at', table_name='login_throttle')
    op.drop_table('login_throttle')
