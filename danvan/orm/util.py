"""Small helpers shared by the ORM modules: timestamps, enum columns, guarded writes."""

import enum
from datetime import datetime

from sqlalchemy import Enum, select, update
from sqlalchemy.orm.attributes import set_committed_value

from danvan import clock
from danvan.extensions import db


def utcnow() -> datetime:
    """Return the current moment as a naive UTC datetime (danvan.clock: honours a pinned day)."""
    return clock.utcnow()


def enum_type(enum_class: type[enum.Enum]) -> Enum:
    """Return a column type that stores an enum's values as plain strings and loads members."""
    return Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def claim_version(obj, seen: int | None) -> bool:
    """Move a versioned row on from `seen` (a guarded UPDATE); False means someone saved first.

    The one way to start a read-modify-write of a versioned object, on every engine: SQLite's
    BEGIN IMMEDIATE already queues writers, and on PostgreSQL (READ COMMITTED) a second claim
    waits for the first transaction's row lock, then finds the version moved and changes nothing.
    The row stays locked until the caller commits, so the rest of its write is safe too.
    """
    model = type(obj)
    result = db.session.execute(
        update(model).where(model.id == obj.id, model.version == seen).values(version=model.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(obj, "version", seen + 1)
    return True


def lock_row(model, row_id: int) -> None:
    """Hold a row's lock until commit (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers are
    already queued by BEGIN IMMEDIATE), before reading what a write will rewrite."""
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update())
