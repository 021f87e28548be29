"""where findings sit: findings.free_text (in running text) and findings.in_log (in a log, and
why), as the scan's finding records say, so a report made from the inventory ranks a location
as the scan's own report does; rows kept before say neither (false, NULL) until seen again

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('free_text', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('in_log', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('in_log')
        batch_op.drop_column('free_text')
