"""the request log of `kartlegg subject`: who asked, for which controller, which kinds of
identifiers (keyed fingerprints, never values), where the person was found and how many rows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'subject_requests',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requested_by', sa.String(length=255), nullable=True),
        sa.Column('controller', sa.Text(), nullable=True),
        sa.Column('kinds', sa.JSON(), nullable=False),
        sa.Column('fingerprints', sa.JSON(), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=True),
        sa.Column('found', sa.JSON(), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.Column('exported', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('erase_plan', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('exit_code', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('subject_requests')
