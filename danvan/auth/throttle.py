"""Login throttling that slows an attacker without locking the owner out.

Failures are counted per account *and* per source: the browser's device id once it has logged
in here before (a signed cookie), else its address. After a few free tries each further failure
doubles the wait, up to 15 minutes. An owner on a known device is not slowed by a storm from
elsewhere, and a storm from one address across many names is slowed as a whole. Counted in the
database, so the limits hold across server processes.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, update

from danvan.clock import real_utcnow
from danvan.extensions import db
from danvan.orm import LoginFailure

DEVICE_COOKIE = "danvan_device"
MAX_WAIT = timedelta(minutes=15)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="danvan.device")


def device_id() -> str:
    """The id of this browser if it has logged in here before (a signed cookie), else ""."""
    raw = request.cookies.get(DEVICE_COOKIE, "")
    try:
        value = _serializer().loads(raw) if raw else ""
    except BadSignature:
        return ""
    return value if isinstance(value, str) and len(value) <= 64 else ""


def remember_device(response, device: str) -> None:
    """After a successful login: keep the browser's device id for a year (HttpOnly, signed).

    Sent back to the login page only (its path), so no other request carries its bytes (B6).
    """
    config = current_app.config
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(device or secrets.token_urlsafe(16)),
                        max_age=365 * 24 * 3600, httponly=True, samesite="Lax", path=url_for("auth.login"),
                        secure=config.get("SESSION_COOKIE_SECURE", False))


def address() -> str:
    return (request.remote_addr or "")[:64]


def _wait(failures: int, free: int) -> timedelta:
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - free)), MAX_WAIT)


def wait_after(failures: int, free: int, last: datetime, now: datetime) -> timedelta:
    """How long is still to wait after `failures` failures, the last at `last` (0 if none)."""
    return max(timedelta(0), last + _wait(failures, free) - now)


def _count(*where) -> tuple[int, datetime | None]:
    since = real_utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    return db.session.execute(
        db.select(func.count(), func.max(LoginFailure.at)).where(LoginFailure.at >= since, *where)).one()


def waiting(key: str) -> timedelta:
    """How long this source must still wait before it may try `key` again (0: it may now)."""
    config = current_app.config
    device, where = device_id(), address()
    by_source = LoginFailure.device == device if device else (LoginFailure.address == where) & (
        LoginFailure.device == "")
    # One account from this source: attempts still being checked count (parallel guesses).
    rules = [(_count(LoginFailure.username_key == key, by_source), config["LOGIN_FAILURE_LIMIT"])]
    if not device:
        # Every account from this address: only settled failures (a crowd logging in at once is not a storm).
        settled = LoginFailure.pending.is_(False)
        rules.append((_count(LoginFailure.address == where, LoginFailure.device == "", settled),
                      config["LOGIN_ADDRESS_LIMIT"]))
    now = real_utcnow()
    return max([timedelta(0)] + [wait_after(n, free, last, now) for (n, last), free in rules if last])


def record_attempt(key: str) -> int:
    """Count an attempt at `key` from this source before its password is checked; return its id."""
    attempt = LoginFailure(username_key=key, address=address(), device=device_id(), pending=True)
    db.session.add(attempt)
    db.session.flush()
    return attempt.id


def settle_failure(attempt_id: int) -> None:
    """The attempt failed: it now counts as a failure for its whole address too."""
    db.session.execute(update(LoginFailure).where(LoginFailure.id == attempt_id).values(pending=False))


def clear(key: str) -> None:
    """A right password from this source forgets its failures for the account."""
    device = device_id()
    by_source = LoginFailure.device == device if device else LoginFailure.address == address()
    db.session.execute(delete(LoginFailure).where(LoginFailure.username_key == key, by_source))


def throttled_sources() -> list:
    """Every (account, source) with failures in the window, most failures first (for the admin)."""
    since = real_utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    return db.session.execute(
        db.select(LoginFailure.username_key, LoginFailure.address, LoginFailure.device,
                  func.count().label("failures"), func.max(LoginFailure.at).label("last"))
        .where(LoginFailure.at >= since, LoginFailure.pending.is_(False))
        .group_by(LoginFailure.username_key, LoginFailure.address, LoginFailure.device)
        .order_by(func.count().desc())
    ).all()


def clear_source(key: str, address_: str, device: str) -> int:
    """The administrator forgets one account's failures from one source; return how many."""
    return db.session.execute(delete(LoginFailure).where(
        LoginFailure.username_key == key, LoginFailure.address == address_, LoginFailure.device == device)
    ).rowcount
