"""compiled report: its date of issue (ngày ban hành), chosen by the organisation board

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("compiled_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("compiled_report", schema=None) as batch_op:
        batch_op.drop_column("issued_on")
