"""findings.sketch: the linkage sketch of a finding's values (the 64 smallest keyed fingerprints
of its distinct identifiers, detectors.sketch), so `kartlegg inventory links` can tell which
locations hold the same identifiers; locations.oldest_at and oldest_by: how old a dataset's data
is (a table's oldest date, the oldest file's modification time), for retention checks. Rows kept
before have neither until a scan sees them again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sketch', sa.JSON(), nullable=True))
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oldest_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('oldest_by', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('oldest_by')
        batch_op.drop_column('oldest_at')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('sketch')
