"""thi đua: registrations, reviews with criteria, evaluators and scorecards, recognitions,
commendations, and the link of a replicated mô hình to the recognised one it was adopted from

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _kind(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade():
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("initiative_id", sa.Integer(), sa.ForeignKey("initiative.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("responsible_name", sa.String(length=120), nullable=False),
        sa.Column("responsible_position", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("initiative_id", "unit_id"),
    )
    for column in ("plan_id", "initiative_id", "unit_id"):
        op.create_index(f"ix_registration_{column}", "registration", [column])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("kind", _kind("half_year", "annual", "other", name="periodkind"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("scores_due_on", sa.Date(), nullable=False),
        sa.Column("status", _kind("open", "closed", "proposed", "approved", name="reviewstatus"),
                  nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("proposal_number", sa.String(length=20), nullable=False),
        sa.Column("proposal_issued_on", sa.Date(), nullable=True),
        sa.Column("proposal_signer_title", sa.String(length=120), nullable=False),
        sa.Column("proposal_signer_name", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_plan_id", "review", ["plan_id"])
    op.create_table(
        "review_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_criterion_review_id", "review_criterion", ["review_id"])
    op.create_table(
        "evaluator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.CheckConstraint("(unit_id IS NULL) <> (user_id IS NULL)", name="one_evaluator"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evaluator_review_id", "evaluator", ["review_id"])
    op.create_table(
        "scorecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), sa.ForeignKey("evaluator.id"), nullable=False),
        sa.Column("registration_id", sa.Integer(), sa.ForeignKey("registration.id"), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=True),
        sa.Column("scored_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evaluator_id", "registration_id"),
    )
    for column in ("review_id", "evaluator_id", "registration_id"):
        op.create_index(f"ix_scorecard_{column}", "scorecard", [column])
    op.create_table(
        "score_point",
        sa.Column("scorecard_id", sa.Integer(), sa.ForeignKey("scorecard.id"), nullable=False),
        sa.Column("criterion_id", sa.Integer(), sa.ForeignKey("review_criterion.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scorecard_id", "criterion_id"),
    )
    op.create_table(
        "recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("registration_id", sa.Integer(), sa.ForeignKey("registration.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_id", "registration_id"),
    )
    op.create_index("ix_recognition_review_id", "recognition", ["review_id"])
    op.create_index("ix_recognition_registration_id", "recognition", ["registration_id"])
    op.create_table(
        "commendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("kind", _kind("collective", "individual", name="commendationkind"), nullable=False),
        sa.Column("award", _kind("bang_khen", "giay_khen", name="award"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("person_name", sa.String(length=120), nullable=False),
        sa.Column("person_position", sa.String(length=160), nullable=False),
        sa.Column("achievement", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_commendation_review_id", "commendation", ["review_id"])
    # On SQLite a plain ADD COLUMN with its REFERENCES inline: a batch copy of `initiative` would have
    # to drop the table every other one points at, which SQLite refuses with foreign keys on.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE initiative ADD COLUMN replicated_from_id INTEGER "
                   "CONSTRAINT fk_initiative_replicated_from REFERENCES recognition (id)")
    else:
        op.add_column("initiative", sa.Column("replicated_from_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_initiative_replicated_from", "initiative", "recognition",
                              ["replicated_from_id"], ["id"])

def downgrade():
    with op.batch_alter_table("initiative") as batch:
        batch.drop_constraint("fk_initiative_replicated_from", type_="foreignkey")
        batch.drop_column("replicated_from_id")
    for table in ("commendation", "recognition", "score_point", "scorecard", "evaluator", "review_criterion",
                  "review", "registration"):
        op.drop_table(table)
