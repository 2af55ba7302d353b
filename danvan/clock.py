"""The one place time comes from: Vietnam's date and the moment, whatever the server's time zone.

A demo (or a test) pins the day with app.config["TODAY"] (DANVAN_TODAY=2021-11-15 in the
environment); the moment then keeps the real time of day on that date, so everything stamped
(ticks, entries, submissions) falls on the pinned day. Security lifetimes — how long a login
lasts, how long a failed login counts — run on real_utcnow(): a pinned clock goes back a day at
midnight, and a lock-out or a session must not last a day longer for it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from flask import current_app, has_app_context

from danvan.formatting import VN_TZ


def pinned_day() -> date | None:
    return current_app.config.get("TODAY") if has_app_context() else None


@contextmanager
def pinned(day: date) -> Iterator[None]:
    """Pin the day for what runs inside (loading the demo stamps its rows in the demo's time)."""
    config = current_app.config
    before = config.get("TODAY")
    config["TODAY"] = day
    try:
        yield
    finally:
        config["TODAY"] = before


def today() -> date:
    """Return today's date in Vietnam, or the pinned day."""
    return pinned_day() or datetime.now(VN_TZ).date()


def utcnow() -> datetime:
    """Return the current moment as a naive UTC datetime (every timestamp in the database is UTC)."""
    now = datetime.now(VN_TZ)
    if (day := pinned_day()) is not None:
        now = datetime.combine(day, now.timetz())
    return now.astimezone(UTC).replace(tzinfo=None)


def on_app_clock(real_moment: datetime) -> datetime:
    """Return a moment of real_utcnow() as utcnow() has it: under a pinned day, as many days before
    that day as it was before the real today. For comparing a login's time (a last visit) with what
    was stamped since."""
    day = pinned_day()
    return real_moment if day is None else real_moment + (day - datetime.now(VN_TZ).date())


def real_utcnow() -> datetime:
    """Return the real moment as a naive UTC datetime, never pinned: for security lifetimes only."""
    return datetime.now(UTC).replace(tzinfo=None)
