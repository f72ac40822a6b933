"""planning jobs

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'plan_jobs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('state', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=200), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('spec', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('leased_by', sa.String(length=64), nullable=True),
        sa.Column('cancel_requested', sa.Boolean(), nullable=False),
        sa.Column('setup_version', sa.Integer(), nullable=True),
        sa.Column('error_code', sa.Integer(), nullable=False),
        sa.Column('error_message', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('movements', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_plan_jobs_case', 'plan_jobs', ['case_id', 'created', 'id'])
    op.create_index('ix_plan_jobs_claim', 'plan_jobs', ['state', 'lease_until'])
    op.create_table(
        'plan_outputs',
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['plan_jobs.id']),
        sa.ForeignKeyConstraint(['sha256'], ['artifacts.sha256']),
        sa.PrimaryKeyConstraint('job_id', 'name'),
    )
    op.create_index(op.f('ix_plan_outputs_sha256'), 'plan_outputs', ['sha256'])


def downgrade() -> None:
    op.drop_index(op.f('ix_plan_outputs_sha256'), table_name='plan_outputs')
    op.drop_table('plan_outputs')
    op.drop_index('ix_plan_jobs_claim', table_name='plan_jobs')
    op.drop_index('ix_plan_jobs_case', table_name='plan_jobs')
    op.drop_table('plan_jobs')
