"""version counters of what pages show (kept pages are reused while theirs are unchanged)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:30:00

Empty at first: a scope without a row is at version 0, and a server starts with no kept pages.
"""
from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )


def downgrade():
    op.drop_table("data_version")
