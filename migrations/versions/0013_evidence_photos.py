"""minh chứng: photos of a unit's mô hình, houses, roads and checklist items

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:00:00

The photos live in the database beside their rows (re-encoded, ≤ 1.280 px, and a thumbnail of
≤ 15.000 bytes): one backup holds everything, and a row never points at a missing file.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ONE_SUBJECT = (
    "(subject = 'initiative' AND initiative_id IS NOT NULL AND house_id IS NULL AND road_id IS NULL"
    " AND checklist_item_id IS NULL)"
    " OR (subject = 'house' AND initiative_id IS NOT NULL AND house_id IS NOT NULL AND road_id IS NULL"
    " AND checklist_item_id IS NULL)"
    " OR (subject = 'road' AND initiative_id IS NOT NULL AND road_id IS NOT NULL AND house_id IS NULL"
    " AND checklist_item_id IS NULL)"
    " OR (subject = 'item' AND checklist_item_id IS NOT NULL AND initiative_id IS NULL AND house_id IS NULL"
    " AND road_id IS NULL)"
)


def upgrade():
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Enum("initiative", "house", "road", "item", name="evidencesubject",
                                     native_enum=False, length=32), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("house_id", sa.Integer(), nullable=True),
        sa.Column("road_id", sa.Integer(), nullable=True),
        sa.Column("checklist_item_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=False),
        sa.Column("thumb", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("mimetype", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("photo_bytes", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("thumb_bytes", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("source_bytes", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(ONE_SUBJECT, name="ck_evidence_one_subject"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"]),
        sa.ForeignKeyConstraint(["house_id"], ["house.id"]),
        sa.ForeignKeyConstraint(["road_id"], ["road.id"]),
        sa.ForeignKeyConstraint(["checklist_item_id"], ["checklist_item.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["removed_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_unit_id_initiative_id", "evidence", ["unit_id", "initiative_id"])
    op.create_index("ix_evidence_initiative_id", "evidence", ["initiative_id"])
    op.create_index("ix_evidence_house_id", "evidence", ["house_id"])
    op.create_index("ix_evidence_road_id", "evidence", ["road_id"])
    op.create_index("ix_evidence_checklist_item_id", "evidence", ["checklist_item_id"])


def downgrade():
    op.drop_table("evidence")
