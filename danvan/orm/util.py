"""Small column helpers shared by the ORM modules."""

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime: every timestamp in the database is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(enum_class: type[enum.Enum]) -> Enum:
    """Return a column type that stores an enum's values as plain strings and loads members."""
    return Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
