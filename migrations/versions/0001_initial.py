"""inquiry log, staff accounts, call-backs

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 01:27:23.019684
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('callbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('conversation_id', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('preferred_time', sa.String(length=200), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('triage_level', sa.String(length=16), nullable=False),
    sa.Column('sections_read', sa.Text(), nullable=False),
    sa.Column('words', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by', sa.String(length=254), nullable=True),
    sa.Column('personal_expires_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callbacks_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_callbacks_personal_expires_at'), ['personal_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_callbacks_status'), ['status'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('conversation_id', sa.String(length=100), nullable=True),
    sa.Column('target', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_kind'), ['kind'], unique=False)

    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempts_remote_addr'), ['remote_addr'], unique=False)

    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('conversation_id', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('triage_level', sa.String(length=16), nullable=False),
    sa.Column('rule_ids', sa.Text(), nullable=False),
    sa.Column('matched', sa.Boolean(), nullable=False),
    sa.Column('best_score', sa.Float(), nullable=False),
    sa.Column('follow_up_shown', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('text_expires_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_turns_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_matched'), ['matched'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_text_expires_at'), ['text_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_triage_level'), ['triage_level'], unique=False)

    op.create_table('turn_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('post_slug', sa.String(length=300), nullable=False),
    sa.Column('post_title', sa.String(length=500), nullable=False),
    sa.Column('section_heading', sa.String(length=500), nullable=True),
    sa.Column('section_url', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['turn_id'], ['turns.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('turn_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_turn_sections_post_slug'), ['post_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_turn_sections_turn_id'), ['turn_id'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('turn_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_turn_sections_turn_id'))
        batch_op.drop_index(batch_op.f('ix_turn_sections_post_slug'))

    op.drop_table('turn_sections')
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_turns_triage_level'))
        batch_op.drop_index(batch_op.f('ix_turns_text_expires_at'))
        batch_op.drop_index(batch_op.f('ix_turns_region'))
        batch_op.drop_index(batch_op.f('ix_turns_matched'))
        batch_op.drop_index(batch_op.f('ix_turns_created_at'))
        batch_op.drop_index(batch_op.f('ix_turns_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_turns_channel'))

    op.drop_table('turns')
    op.drop_table('staff_users')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_remote_addr'))
        batch_op.drop_index(batch_op.f('ix_login_attempts_created_at'))

    op.drop_table('login_attempts')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_kind'))
        batch_op.drop_index(batch_op.f('ix_events_created_at'))
        batch_op.drop_index(batch_op.f('ix_events_conversation_id'))

    op.drop_table('events')
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callbacks_status'))
        batch_op.drop_index(batch_op.f('ix_callbacks_personal_expires_at'))
        batch_op.drop_index(batch_op.f('ix_callbacks_created_at'))

    op.drop_table('callbacks')
