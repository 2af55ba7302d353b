"""login failures: an attempt whose password is still being checked is `pending`, and is not yet
a failure of its whole address (an office logging in together behind one address was throttled
by its own crowd)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:30:00

Added in place (ADD COLUMN with a default), as 0015: every row already there is a settled failure.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("login_failure",
                  sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_column("pending")
