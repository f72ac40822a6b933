"""collaborators, case shares, consent, outbox

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event', sa.String(length=50), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=False),
    sa.Column('recipient_user_id', sa.String(length=32), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_created'), ['created'], unique=False)

    op.create_table('collaboration_consents',
    sa.Column('provider_id', sa.String(length=32), nullable=False),
    sa.Column('terms_version', sa.String(length=20), nullable=False),
    sa.Column('time', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('provider_id')
    )
    op.create_table('collaborations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('organization_id', sa.String(length=32), nullable=False),
    sa.Column('provider_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('collaborator_id', sa.String(length=32), nullable=True),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('permissions', sa.Integer(), nullable=False),
    sa.Column('invite_token_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collaborator_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.ForeignKeyConstraint(['provider_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invite_token_hash'),
    sa.UniqueConstraint('provider_id', 'email')
    )
    with op.batch_alter_table('collaborations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collaborations_collaborator_id'), ['collaborator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collaborations_provider_id'), ['provider_id'], unique=False)

    op.create_table('case_shares',
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('collaboration_id', sa.String(length=32), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['collaboration_id'], ['collaborations.id'], ),
    sa.PrimaryKeyConstraint('case_id', 'collaboration_id')
    )
    with op.batch_alter_table('case_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_shares_collaboration_id'), ['collaboration_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_shares_collaboration_id'))

    op.drop_table('case_shares')
    with op.batch_alter_table('collaborations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collaborations_provider_id'))
        batch_op.drop_index(batch_op.f('ix_collaborations_collaborator_id'))

    op.drop_table('collaborations')
    op.drop_table('collaboration_consents')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_created'))

    op.drop_table('outbox')
