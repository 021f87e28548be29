"""declared systems and categories: sources.system, sources.categories, sources.declared_at;
scans.entities (what a scan looked for); an index on observations by scan (diffs read one
scan's observations)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 21:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('system', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('categories', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('declared_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entities', sa.JSON(), nullable=True))
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index('ix_observations_scan', ['scan_id'], unique=False)
    # a source declared under 0001 was declared before this revision: say so rather than leave
    # it looking undeclared
    sources = sa.table('sources', sa.column('owner', sa.Text), sa.column('role', sa.String),
                       sa.column('purpose', sa.Text), sa.column('declared_at', sa.DateTime(timezone=True)))
    op.execute(sources.update()
               .where(sa.or_(sources.c.owner.isnot(None), sources.c.role.isnot(None),
                             sources.c.purpose.isnot(None)))
               .values(declared_at=sa.func.current_timestamp()))


def downgrade() -> None:
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index('ix_observations_scan')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_column('entities')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('declared_at')
        batch_op.drop_column('categories')
        batch_op.drop_column('system')
