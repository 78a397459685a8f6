"""kiosk settings and PIN lockouts, and the post archive, under Alembic like every other table

The kiosk kept its settings in ``<instance>/kiosk.sqlite3`` (one per host); they
move here so every app server shares them (web/kiosk.py imports an old file once).
The archive's two tables used to be made by ``create_all``: a database that already
has them keeps them, rows and all.

Revision ID: 0005_store_unified
Revises: 0004_conversation_memory
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_store_unified'
down_revision = '0004_conversation_memory'
branch_labels = None
depends_on = None

ARCHIVE_TABLES = ('clinicbot_archive_posts', 'clinicbot_archive_state')


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'kiosk_settings',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'kiosk_pin_failures',
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.Float(), nullable=False),
        sa.Column('locked_until', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('client'),
    )
    op.create_table(
        'kiosk_pin_budget',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.Float(), nullable=False),
        sa.Column('blocked_until', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if 'clinicbot_archive_posts' not in existing:
        op.create_table(
            'clinicbot_archive_posts',
            sa.Column('source', sa.String(length=2000), nullable=False),
            sa.Column('guid', sa.String(length=2000), nullable=False),
            sa.Column('title', sa.Text(), nullable=False),
            sa.Column('link', sa.Text(), nullable=False),
            sa.Column('published', sa.Text(), nullable=True),
            sa.Column('html', sa.Text(), nullable=False),
            sa.Column('content_hash', sa.String(length=64), nullable=False),
            sa.Column('first_seen', sa.Float(), nullable=False),
            sa.Column('last_seen', sa.Float(), nullable=False),
            sa.Column('updated', sa.Float(), nullable=False),
            sa.PrimaryKeyConstraint('source', 'guid'),
        )
    if 'clinicbot_archive_state' not in existing:
        op.create_table(
            'clinicbot_archive_state',
            sa.Column('source', sa.String(length=2000), nullable=False),
            sa.Column('etag', sa.Text(), nullable=True),
            sa.Column('modified', sa.Text(), nullable=True),
            sa.Column('last_success', sa.Float(), nullable=True),
            sa.PrimaryKeyConstraint('source'),
        )


def downgrade() -> None:
    """Revert this revision (the archive's tables go too: a downgrade to before 0005 loses the archive)."""
    for table in ARCHIVE_TABLES:
        op.drop_table(table)
    op.drop_table('kiosk_pin_budget')
    op.drop_table('kiosk_pin_failures')
    op.drop_table('kiosk_settings')
