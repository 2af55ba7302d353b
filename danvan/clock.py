"""The one place time comes from: Vietnam's date and the moment, whatever the server's time zone.

A demo (or a test) pins the day with app.config["TODAY"]; the moment then keeps the real time of
day on that date, so everything stamped (ticks, entries, submissions) falls on the pinned day.
"""

from datetime import UTC, date, datetime

from flask import current_app, has_app_context

from danvan.formatting import VN_TZ


def pinned_day() -> date | None:
    return current_app.config.get("TODAY") if has_app_context() else None


def today() -> date:
    """Return today's date in Vietnam, or the pinned day."""
    return pinned_day() or datetime.now(VN_TZ).date()


def utcnow() -> datetime:
    """Return the current moment as a naive UTC datetime (every timestamp in the database is UTC)."""
    now = datetime.now(VN_TZ)
    if (day := pinned_day()) is not None:
        now = datetime.combine(day, now.timetz())
    return now.astimezone(UTC).replace(tzinfo=None)
