"""SQLite connection settings and transaction begin mode, set once for every connection.

pysqlite's legacy transaction handling loses updates when several processes write
(TRUST.md, finding 8), so the driver's own BEGIN is switched off and we emit our own:
BEGIN IMMEDIATE for anything that may write (a POST's view, a CLI command), plain BEGIN for
reads, so readers never take the write lock and writers never fail on a read-to-write upgrade.

A write request authenticates in a read transaction (the session lookup needs no lock) and takes
the write lock only when its view starts (`begin_writing`, called by `access`); a view that
loads everything first and then writes a few rows (a tick) holds it only for those
(`write_transaction`). SQLite has one write lock for the whole database: every millisecond
held is a millisecond every other writer waits. PostgreSQL locks rows: there the read
transaction goes on into the write (`_locks_the_database`).
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask import before_render_template, g, has_app_context, has_request_context, request
from jinja2_fragments.flask import (
    before_render_template_block,
    before_render_template_blocks,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from danvan.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BACKGROUND_READER = "danvan_background_reader"


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # FULL: a provincial server with unreliable power must not lose an acknowledged write.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN" if _reading() else "BEGIN IMMEDIATE")


def _reading() -> bool:
    """A page, a write request until its view writes (`begin_writing`), or a reader with no request
    that says so (`reads_only`, the live poller). Anything else may write: a CLI command, a script."""
    if has_request_context():
        return request.method in READ_METHODS or g.get("danvan_reading", False)
    return has_app_context() and g.get(BACKGROUND_READER, False)


def reads_only() -> None:
    """Say that this app context only reads, though it serves no request (a background reader).

    A flag of its own, not the request's `danvan_reading`: `write_transaction` sets that one back
    after its write, which outside a request would leave later writes without BEGIN IMMEDIATE."""
    setattr(g, BACKGROUND_READER, True)


@event.listens_for(Engine, "checkout")
def _read_without_transaction(dbapi_connection, _record, _proxy) -> None:
    """PostgreSQL: a page (GET) runs its statements without BEGIN and ROLLBACK around them.

    At READ COMMITTED every statement sees what is committed when it runs, in a transaction or
    not, so a read loses nothing and saves two round trips (0,5 ms a page sent again, measured).
    Pages never write; a write request's connection is checked out with its transaction back.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.autocommit = has_request_context() and request.method in READ_METHODS


def run(statement, params: dict | None = None):
    """Execute a prebuilt Core statement on the session's connection and return its result.

    For the hot paths (a tick, the login lookup, the page counters): the session's ORM handling
    of a statement costs 50–60 µs more than the statement itself, and building a statement anew
    costs another 80 µs (measured), so these are built once, at import, and run here.
    """
    return db.session.connection().execute(statement, params)


def begin_writing() -> None:
    """End the request's read transaction; its next statement begins the write transaction.

    Objects already loaded stay as read (not expired): what a view checks before it writes is
    read again inside the write where it matters (lock_row, a conditional UPDATE, a version).
    """
    if not has_request_context() or request.method in READ_METHODS:
        return
    if _locks_the_database():
        _end_transaction()
    g.danvan_reading = False


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block as one short write transaction, committed at its end, objects kept as written.

    For a view that has loaded and checked everything in its read transaction: inside, only
    the conditional UPDATE, the trace row and the live event; the answer is then rendered
    from the values in hand, with no lock held and nothing reloaded.
    """
    session = db.session()
    if _locks_the_database():  # elsewhere the read goes on into the write
        if session.in_transaction() and not _writes_pending():
            # On the connection the read used: a session commit and the pool's return and check-out
            # of the connection cost more than the writes. The session began this transaction with
            # our BEGIN (`_begin`), so its commit below commits the write.
            connection = session.connection()
            connection.exec_driver_sql("COMMIT")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            _end_transaction()
    g.danvan_reading = False
    try:
        yield
        _end_transaction()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        g.danvan_reading = True


def _end_transaction() -> None:
    session = db.session()
    if session.in_transaction():
        keep, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep


def _locks_the_database() -> bool:
    """SQLite: a write transaction locks the whole database, so a request reads before it writes.

    PostgreSQL locks only the rows a statement writes, and at READ COMMITTED each statement sees
    what is committed when it runs: the read transaction simply goes on into the write, two round
    trips (COMMIT, BEGIN) fewer per write request.
    """
    return db.session.get_bind().dialect.name == "sqlite"


def _writes_pending() -> bool:
    session = db.session
    return bool(session.new or session.dirty or session.deleted or g.get("danvan_flushed"))


def release_write_lock(_sender, **_extra) -> None:
    """When a write request starts rendering, end its transaction so the lock is not held.

    A view commits its write and then renders; the lazy loads of rendering would otherwise
    start another BEGIN IMMEDIATE and hold the database's one write lock until the request
    ends. Templates never write, so from here on this request only reads. A view that
    re-renders a form with unsaved changes still pending keeps its transaction untouched.
    """
    if not has_request_context() or request.method in READ_METHODS or _writes_pending():
        return
    _end_transaction()  # what the view committed is in hand: nothing to reload for the answer
    g.danvan_reading = True


def init_database(app) -> None:
    """Connect the listeners that need the app's session."""
    app.before_request(_read_first)
    before_render_template.connect(release_write_lock, app)
    before_render_template_block.connect(release_write_lock, app)
    before_render_template_blocks.connect(release_write_lock, app)


def _read_first() -> None:
    # A write request reads until its view begins (begin_writing): authentication takes no lock.
    if request.method not in READ_METHODS:
        g.danvan_reading = True


@event.listens_for(Session, "after_flush")
def _flushed(_session, _context) -> None:
    if has_request_context():
        g.danvan_flushed = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _ended(_session, *_args) -> None:
    if has_request_context():
        g.pop("danvan_flushed", None)
