"""trace: the change table is append-only (UPDATE and DELETE are refused by the database)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 15:40:00

TRUST.md R41 (ASVS v5-16.4.2): the trace must not be editable, even by a bug in the app.
SQLite: two triggers that abort the statement. PostgreSQL: one trigger function raising an
exception before UPDATE or DELETE (TRUNCATE is a separate privilege; revoke it from the app's
role when deploying). Other dialects: nothing (the app only ever inserts).

A later batch migration that rebuilds the `change` table (copy and move) drops these triggers
with the old table: re-create them in that migration.
"""
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MESSAGE = "change is append-only"


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER change_no_{verb.lower()} BEFORE {verb} ON change "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION change_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER change_append_only BEFORE UPDATE OR DELETE ON change "
            "FOR EACH ROW EXECUTE FUNCTION change_append_only()"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS change_no_update")
        op.execute("DROP TRIGGER IF EXISTS change_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_append_only ON change")
        op.execute("DROP FUNCTION IF EXISTS change_append_only()")
