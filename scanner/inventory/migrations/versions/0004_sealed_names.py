"""sealed names: locations.sealed, the real container, dataset and field of a location whose
names held personal data and are shown masked, encrypted under a key derived from the scanning
installation's fingerprint key (see scanner.model.sealing.Sealer); `kartlegg inventory show` reads it

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('sealed')
