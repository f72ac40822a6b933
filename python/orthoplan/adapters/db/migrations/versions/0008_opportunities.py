"""courses of treatment, appointments, recall opportunities, organization settings

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('courses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('organization_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('provider_id', sa.String(length=32), nullable=False),
    sa.Column('location_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('payor', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('value_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('uda_hundredths', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['provider_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number')
    )
    op.create_index('ix_courses_recall', 'courses', ['organization_id', 'active', 'opened'], unique=False)
    op.create_index('ix_courses_patient_id', 'courses', ['patient_id'], unique=False)
    op.create_index('ix_courses_org_updated', 'courses', ['organization_id', 'updated', 'id'], unique=False)
    op.create_index('ix_courses_org_value', 'courses', ['organization_id', 'value_minor', 'id'], unique=False)
    op.create_table('appointments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('organization_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('location_id', sa.String(length=32), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('course_id', sa.String(length=32), nullable=True),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_appointments_patient_start', 'appointments', ['patient_id', 'start'], unique=False)
    op.create_table('opportunities',
    sa.Column('course_id', sa.String(length=32), nullable=False),
    sa.Column('rejected', sa.Boolean(), nullable=False),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assignee_id', sa.String(length=32), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_contact', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.PrimaryKeyConstraint('course_id')
    )
    op.create_index('ix_opportunities_assignee', 'opportunities', ['assignee_id', 'rejected'], unique=False)
    op.create_table('opportunity_log',
    sa.Column('id', BIGINT, autoincrement=True, nullable=False),
    sa.Column('course_id', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_opportunity_log_course_id', 'opportunity_log', ['course_id'], unique=False)
    op.create_table('organization_settings',
    sa.Column('organization_id', sa.String(length=32), nullable=False),
    sa.Column('opportunity_window_days', sa.Integer(), nullable=False),
    sa.Column('opportunity_lookahead_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('organization_id')
    )


def downgrade() -> None:
    op.drop_table('organization_settings')
    op.drop_index('ix_opportunity_log_course_id', table_name='opportunity_log')
    op.drop_table('opportunity_log')
    op.drop_index('ix_opportunities_assignee', table_name='opportunities')
    op.drop_table('opportunities')
    op.drop_index('ix_appointments_patient_start', table_name='appointments')
    op.drop_table('appointments')
    op.drop_index('ix_courses_org_value', table_name='courses')
    op.drop_index('ix_courses_org_updated', table_name='courses')
    op.drop_index('ix_courses_patient_id', table_name='courses')
    op.drop_index('ix_courses_recall', table_name='courses')
    op.drop_table('courses')
