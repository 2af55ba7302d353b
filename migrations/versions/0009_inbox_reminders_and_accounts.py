"""reminders (đôn đốc), drafts kept across an expired session, accounts that must set their own
password, e-mail of a login, login failures by address and device

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("email", sa.String(length=200), server_default="", nullable=False))
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("device", sa.String(length=64), server_default="", nullable=False))
        batch_op.create_index("ix_login_failure_address", ["address"])
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sender_user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("sender_unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("report.id"), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.Column("seen_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.Column("mailed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reminder_unit_id", "reminder", ["unit_id"])
    op.create_table(
        "kept_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("report.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("form_data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kept_draft_user_id", "kept_draft", ["user_id"])


def downgrade():
    op.drop_index("ix_kept_draft_user_id", table_name="kept_draft")
    op.drop_table("kept_draft")
    op.drop_index("ix_reminder_unit_id", table_name="reminder")
    op.drop_table("reminder")
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failure_address")
        batch_op.drop_column("device")
        batch_op.drop_column("address")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email")
        batch_op.drop_column("must_change_password")
