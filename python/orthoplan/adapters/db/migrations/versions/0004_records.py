"""case records, artifacts, audit retention floor

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('artifacts',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('case_records',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('view', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('taken_date', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=32), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['sha256'], ['artifacts.sha256'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.create_index('ix_case_records_case', ['case_id', 'created', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_records_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('floor_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('floor_hash', sa.String(length=64), server_default='0' * 64,
                                      nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('floor_hash')
        batch_op.drop_column('floor_seq')

    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_records_sha256'))
        batch_op.drop_index('ix_case_records_case')

    op.drop_table('case_records')
    op.drop_table('artifacts')
