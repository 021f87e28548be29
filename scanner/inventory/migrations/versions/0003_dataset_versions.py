"""dataset versions for incremental scans: locations.version, the digest of what the source said
about a dataset's last change (with the settings it was read with) when it was last read whole

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('version')
