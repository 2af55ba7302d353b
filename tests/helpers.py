"""Helpers many test modules share: counting SQL statements, snapshots of stored rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from danvan.extensions import db
from danvan.pagecache import forget_kept_pages


@contextmanager
def sql_statements(app) -> Iterator[list[str]]:
    """Collect every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
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
