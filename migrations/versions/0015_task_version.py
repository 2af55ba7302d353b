"""a task's version: every write to its checklist counts it up, so what a page shows of the task
is rendered once per version and kept (the province view's rows)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 11:00:00

Added in place (ADD COLUMN with a default): a batch rebuild of a filled task table would fail
on its foreign keys under SQLite (see 0014).
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("task", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("task") as batch:
        batch.drop_column("version")
