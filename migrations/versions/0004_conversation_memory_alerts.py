"""conversations (what a conversation is about, for follow-ups) and staff_alerts (live emergency alerts)

Revision ID: 0004_conversation_memory
Revises: 0004
Create Date: 2026-12-06 23:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_conversation_memory'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'conversations',
        sa.Column('conversation_id', sa.String(length=100), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('complaint', sa.Text(), nullable=True),
        sa.Column('concepts', sa.Text(), nullable=False),
        sa.Column('region', sa.String(length=40), nullable=True),
        sa.Column('sections', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('conversation_id'),
    )
    op.create_index('ix_conversations_expires_at', 'conversations', ['expires_at'])
    op.create_table(
        'staff_alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('rule_ids', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('text_expires_at', sa.DateTime(), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_staff_alerts_created_at', 'staff_alerts', ['created_at'])
    op.create_index('ix_staff_alerts_text_expires_at', 'staff_alerts', ['text_expires_at'])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_staff_alerts_text_expires_at', table_name='staff_alerts')
    op.drop_index('ix_staff_alerts_created_at', table_name='staff_alerts')
    op.drop_table('staff_alerts')
    op.drop_index('ix_conversations_expires_at', table_name='conversations')
    op.drop_table('conversations')
