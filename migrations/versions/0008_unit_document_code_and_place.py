"""unit: its document code (ký hiệu) and place name, used in the headers of its plans and reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("place", sa.String(length=80), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("place")
        batch_op.drop_column("code")
