"""The database engine the suite runs on: SQLite files (the default) or a PostgreSQL server.

`TEST_DATABASE_URL` (or `DATABASE_URL`) naming a PostgreSQL server runs the whole suite there:
the demo is migrated and seeded once into a template database, and every test gets a database
cloned from it (`CREATE DATABASE … TEMPLATE …`, a file copy inside the server), dropped after.
Without one, every test gets a copy of a seeded SQLite file, as the app runs by default.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import sqlite3
import time
from pathlib import Path

from sqlalchemy.engine import make_url


def _rows_digest(tables: dict[str, list]) -> tuple[str, dict[str, int]]:
    """Hash every row of every table (order-free), and count each table's rows."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        digest.update(name.encode())
        for row in sorted(repr(tuple(r)) for r in tables[name]):
            digest.update(row.encode())
    return digest.hexdigest(), {name: len(rows) for name, rows in tables.items()}


class CommitCounter:
    """Reads, on a connection of its own, a number that moves when something is written."""

    def __init__(self, connection, query: str):
        self.connection, self.query = connection, query

    def __call__(self) -> int:
        return self.connection.execute(self.query).fetchone()[0]

    def close(self) -> None:
        self.connection.close()


class Sqlite:
    """Each database is a file; a clone is a copy, a restore the online backup API."""

    name = "sqlite"

    @staticmethod
    def path(url: str) -> Path:
        return Path(make_url(url).database)

    def create(self, directory: Path) -> str:
        """Return the URL of a new, empty database in `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory / 'danvan.db'}"

    def clone(self, source: str, directory: Path) -> str:
        """Return the URL of a copy of `source` (which no connection may be writing to)."""
        target = self.create(directory)
        shutil.copy(self.path(source), self.path(target))
        return target

    def drop(self, url: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path(url)}{suffix}").unlink(missing_ok=True)

    def restore(self, url: str, pristine: str) -> None:
        """Put `pristine`'s content back into `url` (its connections must be closed)."""
        src, dst = sqlite3.connect(self.path(pristine)), sqlite3.connect(self.path(url))
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()

    def content(self, url: str) -> tuple[str, dict[str, int]]:
        con = sqlite3.connect(f"file:{self.path(url)}?mode=ro", uri=True)
        try:
            names = [n for (n,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            return _rows_digest({n: con.execute('SELECT * FROM "' + n.replace('"', '""') + '"').fetchall()
                                 for n in names})
        finally:
            con.close()

    def commit_counter(self, url: str) -> CommitCounter:
        """A number that changes whenever another connection commits to the file."""
        return CommitCounter(sqlite3.connect(self.path(url)), "PRAGMA data_version")


class Postgres:
    """Each database is a database of one server; a clone is CREATE DATABASE … TEMPLATE."""

    name = "postgresql"

    def __init__(self, url: str):
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.prefix = f"danvan_test_{os.getpid()}_"
        self.numbers = itertools.count()

    def _admin(self):
        import psycopg

        u = self.url
        return psycopg.connect(host=u.host or "localhost", port=u.port or 5432, user=u.username,
                               password=u.password, dbname=u.database or "postgres", autocommit=True)

    def _url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    @staticmethod
    def _name(url: str) -> str:
        return make_url(url).database

    def available(self) -> str | None:
        """Return None when the server answers, else why not."""
        try:
            self._admin().close()
        except Exception as error:  # noqa: BLE001 - any failure means: no server to test on
            return f"{type(error).__name__}: {error}".strip()
        return None

    def create(self, directory: Path | None = None) -> str:
        name = f"{self.prefix}{next(self.numbers)}"
        with self._admin() as con:
            self._drop(con, name)
            con.execute(f'CREATE DATABASE "{name}"')
        return self._url(name)

    def clone(self, source: str, directory: Path | None = None) -> str:
        name = f"{self.prefix}{next(self.numbers)}"
        with self._admin() as con:
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._name(source)}"')
        return self._url(name)

    def _drop(self, con, name: str) -> None:
        """Drop a database, ending its connections; wait out an autovacuum worker on it (a backend
        of the server's own role, which only pg_signal_backend may end)."""
        import psycopg

        for attempt in range(40):
            try:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if attempt == 39:
                    raise
                time.sleep(0.25)

    def drop(self, url: str) -> None:
        with self._admin() as con:
            self._drop(con, self._name(url))

    def restore(self, url: str, pristine: str) -> None:
        name = self._name(url)
        with self._admin() as con:
            self._drop(con, name)
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._name(pristine)}"')

    def content(self, url: str) -> tuple[str, dict[str, int]]:
        import psycopg

        with psycopg.connect(make_url(url).render_as_string(hide_password=False).replace("+psycopg", "")) as con:
            names = [n for (n,) in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return _rows_digest({n: con.execute(f'SELECT * FROM "{n}"').fetchall() for n in names})

    def commit_counter(self, url: str) -> CommitCounter:
        """A number that grows whenever any transaction on the server takes a transaction id.

        Only a write takes one, so an unchanged number proves nothing was written.
        """
        return CommitCounter(self._admin(), "SELECT txid_snapshot_xmax(txid_current_snapshot())")


def from_environment() -> Sqlite | Postgres:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return Postgres(url) if url.startswith("postgres") else Sqlite()


ENGINE = from_environment()
