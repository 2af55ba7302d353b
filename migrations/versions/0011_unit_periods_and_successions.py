"""units with a history: their periods (name, kind, parent, ký hiệu from a date) and successors

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:00:00

A unit that never changed has no period rows, so nothing is backfilled: its columns have been
true since it was created. Unit kinds are stored as plain strings, so the two new kinds
(commune, grassroots) need no change of type.
"""
from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.Enum("province", "standing_committee", "board", "office_cell", "office_union",
                                  "district", "affiliated", "commune", "grassroots", name="unitkind",
                                  native_enum=False, length=32), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["parent_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "valid_from"),
    )
    op.create_index("ix_unit_version_unit_id", "unit_version", ["unit_id"])
    op.create_table(
        "unit_succession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["predecessor_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["successor_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("predecessor_id", "successor_id"),
    )
    op.create_index("ix_unit_succession_predecessor_id", "unit_succession", ["predecessor_id"])
    op.create_index("ix_unit_succession_successor_id", "unit_succession", ["successor_id"])


def downgrade():
    op.drop_table("unit_succession")
    op.drop_table("unit_version")
