"""viewer links

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'viewer_links',
        sa.Column('link_hash', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('expires', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.PrimaryKeyConstraint('link_hash'),
    )
    op.create_index(op.f('ix_viewer_links_case_id'), 'viewer_links', ['case_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_viewer_links_case_id'), table_name='viewer_links')
    op.drop_table('viewer_links')
