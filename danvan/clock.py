"""Today's date, the one the users live in: Vietnam's, whatever the server's time zone."""

from datetime import date, datetime

from flask import current_app, has_app_context

from danvan.formatting import VN_TZ


def today() -> date:
    """Return today's date in Vietnam; tests and demos pin it with app.config["TODAY"]."""
    pinned = current_app.config.get("TODAY") if has_app_context() else None
    return pinned or datetime.now(VN_TZ).date()
