"""outbox delivery state, notification preferences

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('due', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('leased_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('failed', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=500), server_default='', nullable=False))
    op.execute("UPDATE outbox SET due = created")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('due', nullable=False)
        batch_op.create_index('ix_outbox_due', ['due'], unique=False)
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('event', sa.String(length=50), nullable=False),
    sa.Column('mode', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'event')
    )


def downgrade() -> None:
    op.drop_table('notification_preferences')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        for col in ('last_error', 'failed', 'leased_by', 'lease_until', 'attempts', 'due', 'mode'):
            batch_op.drop_column(col)
