"""teachings: corrections and phrases staff taught the bot (issue 16 part 5)

Revision ID: 0007_teaching
Revises: 0005_store_unified
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_teaching'
down_revision = '0005_store_unified'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'teachings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('terms', sa.Text(), nullable=False),
        sa.Column('concepts', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('turn_id', sa.Integer(), nullable=True),
        sa.Column('section_url', sa.Text(), nullable=True),
        sa.Column('post_slug', sa.String(length=300), nullable=True),
        sa.Column('post_title', sa.String(length=500), nullable=True),
        sa.Column('section_heading', sa.String(length=500), nullable=True),
        sa.Column('concept_id', sa.String(length=80), nullable=True),
        sa.Column('was_answer', sa.String(length=1000), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.Column('undone_by', sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_teachings_kind', 'teachings', ['kind'])
    op.create_index('ix_teachings_created_at', 'teachings', ['created_at'])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_teachings_created_at', table_name='teachings')
    op.drop_index('ix_teachings_kind', table_name='teachings')
    op.drop_table('teachings')
