"""Helpers many test modules share: counting SQL statements, snapshots of stored rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from danvan.extensions import db
from danvan.pagecache import forget_kept_pages


@contextmanager
def sql_statements(app, parameters: bool = False) -> Iterator[list]:
    """Collect every SQL statement the app's engine runs inside the block; with `parameters`,
    each as (the statement on one line, its parameters)."""
    statements: list = []

    def listener(_conn, _cursor, statement, values, *_args):
        if parameters:
            values = values.values() if isinstance(values, dict) else values or ()
            statements.append((" ".join(statement.split()), tuple(values)))
        else:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def queries_of_get(app, client, url: str) -> int:
    """Return how many SQL statements a GET of `url` runs when rendered afresh (no kept page,
    danvan/pagecache.py); it must answer 200."""
    forget_kept_pages(app)
    with sql_statements(app) as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)


def rows(*selects) -> tuple:
    """Return the rows of each select (in the current app context): what a refused write must not change."""
    return tuple(tuple(db.session.execute(select).all()) for select in selects)


def snapshot(app, *selects) -> tuple:
    """Return `rows(*selects)` read in an app context of its own."""
    with app.app_context():
        return rows(*selects)


def insert_unit_and_plan(conn) -> None:
    """Insert a province unit (id 1) and an issued plan (id 1) in plain SQL: for a database kept
    at an older revision, where the ORM classes of today do not fit the tables."""
    from sqlalchemy import text

    conn.execute(text("INSERT INTO unit (id, kind, name, short_name, position, created_at) "
                      "VALUES (1, 'province', 'Tỉnh đoàn', 'Tỉnh đoàn', 0, '2021-06-22 00:00:00')"))
    conn.execute(text(
        "INSERT INTO plan (id, year, code, title, place, status, owner_unit_id, issuer_heading, "
        "organisation_heading, basis, initiatives_intro, closing, signer_on_behalf, signer_title, "
        "signer_name, archive_note, created_at, version) VALUES (1, 2021, '382', 'Kế hoạch', 'Trà Vinh', "
        "'issued', 1, 'BCH', 'ĐOÀN', '', '', '', '', '', '', '', '2021-06-22 00:00:00', 1)"))
