"""Server-side login sessions: the cookie names a LoginSession row, so ending the row ends it.

Flask's signed cookie alone would stay valid after logout (TRUST.md, finding 1). The idle
timeout comes from the permanent session cookie's signed age; the absolute one from the row.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

from cachetools import LRUCache
from flask import Response, current_app, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from danvan.clock import real_utcnow
from danvan.config import SESSION_REFRESH_INTERVAL
from danvan.database import READ_METHODS, begin_writing, run
from danvan.extensions import db, login_manager
from danvan.orm import LoginSession, Unit, User
from danvan.pagecache import login_write


def start_session(user: User) -> None:
    """Log the user in with a fresh session id and nothing carried over from before."""
    session.clear()
    record = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id)
    db.session.add(record)
    login_write(user.id)
    user.login_session_id = record.id
    session.permanent = True
    session["_issued"] = int(time.time())
    login_user(user)
    # Flask-Login's "_id" (a hash of address and browser, 128 characters) checks nothing here
    # (session protection is off, below) and cost every request ~90 bytes of its cookie.
    session.pop("_id", None)
    generate_csrf()  # now, so the first page after login need not re-send the cookie


def end_session(user: User) -> None:
    """End the current login on the server and clear the cookie."""
    login_write(user.id)
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == user.login_session_id, LoginSession.ended_at.is_(None))
        .values(ended_at=real_utcnow())
    )
    logout_user()
    session.clear()


def end_all_sessions(user_id: int, *, keep: str | None = None) -> None:
    """End every live login of a user (password change, account disabled)."""
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
    )
    if keep:
        query = query.where(LoginSession.id != keep)
    db.session.execute(query.values(ended_at=real_utcnow()))


# Built once, run on every request: the login, the account's id and `active` by name, then every
# column of the account and of its unit (what the two hold as objects: a kept account is matched on
# them).
_USERS, _UNITS = User.__table__, Unit.__table__
SESSION_ROW = (
    select(LoginSession.ended_at, LoginSession.created_at.label("started_at"),
           _USERS.c.id.label("user_id"), _USERS.c.active.label("user_active"), *_USERS.c, *_UNITS.c)
    .select_from(LoginSession)
    .join(_USERS, _USERS.c.id == LoginSession.user_id)
    .join(_UNITS, _UNITS.c.id == _USERS.c.unit_id)
    .where(LoginSession.id == bindparam("session_id"))
)
ACCOUNT_COLUMNS = slice(4, None)
# The same columns as attributes of the objects, in the row's order.
USER_KEYS = [User.__mapper__.get_property_by_column(column).key for column in _USERS.c]
UNIT_KEYS = [Unit.__mapper__.get_property_by_column(column).key for column in _UNITS.c]
ACCOUNT = select(User, Unit).join(Unit, Unit.id == User.unit_id).where(User.id == bindparam("user_id"))
# Accounts kept per process, one version each: a province's logins many times over.
KEPT_ACCOUNTS = 4096


class Accounts:
    """The logged-in account of each request, read as one row and given as objects of its session.

    Every request reads its login's row afresh, so an ended or expired login, a disabled account
    or a renamed unit is seen at once. Loading that row as objects through the ORM cost 0,23 ms
    of every request, the plain row 0,08 ms (measured): the objects that an identical row gave
    before are kept, detached, and each request gets its own copy of them in its session (`merge`
    without a query). What they hold is exactly what was read, and no two requests share one.
    """

    def __init__(self) -> None:
        # {user id: (its and its unit's columns, the account detached with its unit loaded)}; a
        # changed row replaces its account's entry, so no older version (an old password hash) stays.
        self._kept: LRUCache = LRUCache(KEPT_ACCOUNTS)
        self._lock = threading.Lock()  # an LRU reorders itself on every read

    def load(self, session_id: str) -> User | None:
        """Return the user of a live login session, or None if it ended, expired or was disabled."""
        row = run(SESSION_ROW, {"session_id": session_id}).first()
        if row is None:
            return None
        lifetime = current_app.config["ABSOLUTE_SESSION_LIFETIME"]
        if row.ended_at is not None or row.started_at + lifetime < real_utcnow() or not row.user_active:
            return None
        if self._in_session(row):
            user = self._read(row.user_id, db.session)
        else:
            user = db.session.merge(self._kept_copy(row), load=False)  # its unit comes along (cascade)
        user.login_session_id = session_id
        return user

    @staticmethod
    def _in_session(row) -> bool:
        """Whether the request holds the account or its unit already: a copy would overwrite what
        it changed and has not written yet, so they are read as objects instead (never today: the
        account is the first thing a request asks for)."""
        keys = (User.__mapper__.identity_key_from_primary_key((row.user_id,)),
                Unit.__mapper__.identity_key_from_primary_key((row.unit_id,)))
        return any(key in db.session.identity_map for key in keys)

    @staticmethod
    def _read(user_id: int, session) -> User:
        """Load the account and its unit as objects of `session`, the unit set as `user.unit`."""
        user, unit = session.execute(ACCOUNT, {"user_id": user_id}).one()
        set_committed_value(user, "unit", unit)
        return user

    def _kept_copy(self, row) -> User:
        """Return the kept account that this row gives; load it (and its unit) first if the row
        is new, in a session of its own, and keep it under what it holds (read a moment after the
        row, it may be newer)."""
        with self._lock:
            held, user = self._kept.get(row.user_id, ((), None))
        if user is not None and held == tuple(row[ACCOUNT_COLUMNS]):
            return user
        with Session(bind=db.session.connection()) as own:  # in the request's transaction, if any
            user = self._read(row.user_id, own)
        held = (tuple(getattr(user, key) for key in USER_KEYS)
                + tuple(getattr(user.unit, key) for key in UNIT_KEYS))
        with self._lock:
            self._kept[row.user_id] = (held, user)
        return user


accounts = Accounts()
login_manager.user_loader(accounts.load)


# What a blueprint keeps of a write that arrives after the session has ended: endpoint → keep(user),
# and what it does with it at that user's next login: restore(user) → a message, or None.
TYPED_KEEPERS: dict[str, Callable[[User], None]] = {}
TYPED_RESTORERS: list[Callable[[User], str | None]] = []


def keep_typed_text(endpoint: str, keep: Callable[[User], None], restore: Callable[[User], str | None]) -> None:
    """Ask that what is typed into `endpoint`'s form is not lost when the session has ended."""
    TYPED_KEEPERS[endpoint] = keep
    TYPED_RESTORERS.append(restore)


def user_of_ended_session() -> User | None:
    """Return the account whose (validly signed) session cookie this is, though its session has ended.

    Read only to keep what the user typed; it never logs anyone in. The cookie is SameSite=Lax,
    so another site's form cannot send it.
    """
    raw = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    try:
        data = serializer.loads(raw) if raw and serializer else {}
    except BadSignature:
        return None
    session_id = data.get("_user_id") if isinstance(data, dict) else None
    if not isinstance(session_id, str):
        return None
    user = db.session.scalar(db.select(User).join(LoginSession).where(LoginSession.id == session_id))
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    """Send an anonymous visitor to the login page; htmx requests get a full-page redirect.

    A write that arrives after the session ended keeps what was typed, when its blueprint asked
    for that (`keep_typed_text`): the login page then says the session expired, and the next
    login saves it.
    """
    expired = None
    if request.method == "POST" and (keep := TYPED_KEEPERS.get(request.endpoint)):
        if (user := user_of_ended_session()) is not None:
            begin_writing()
            keep(user)
            expired = "1"
    path = request.full_path.rstrip("?") if request.method == "GET" else request.path
    target = url_for("auth.login", next=path, expired=expired)
    if request.headers.get("HX-Request") == "true":
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target)


SESSIONLESS_ENDPOINTS = frozenset({"assets.asset", "healthz"})
# Cookies verified once per process (`SessionInterface`): a province's logins many times over. A
# browser's whole Cookie header here is about 250 bytes; a longer one (padded with cookies of its
# own) is verified every time, so the store stays under a few megabytes whatever a client sends.
VERIFIED_COOKIES = 4096
LONGEST_KEPT_HEADER = 1024
PLAIN = (str, int, float, bool, type(None))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each cookie verified once, left out of static files and the
    health check.

    A browser sends the same cookie with every request until it is re-issued (every few minutes:
    `refresh_idle_deadline`). Its signature is checked, and its contents decoded, at its first
    request in each process; after that only its age is, at every request, against the same idle
    lifetime as Flask's. Parsing and verifying it cost 0,14 ms of every request (measured).
    Only a logged-in session's cookie is kept (anyone can be handed an anonymous one), and only
    one holding plain values (not a waiting message), so no request shares a mutable value with
    another.

    Flask-Login reads the session after every request, which makes Flask add "Vary: Cookie";
    a year-long cached file would then miss the browser cache whenever the cookie changes.
    """

    def __init__(self) -> None:
        # {the request's whole Cookie header: (its session's contents, when it was signed)}
        self._verified: LRUCache = LRUCache(VERIFIED_COOKIES)
        self._lock = threading.Lock()  # an LRU reorders itself on every read

    def open_session(self, app, request):
        header = request.environ.get("HTTP_COOKIE")
        max_age = app.permanent_session_lifetime.total_seconds()
        if header:
            with self._lock:
                seen = self._verified.get(header)
            if seen is not None:
                contents, signed_at = seen
                if 0 <= time.time() - signed_at <= max_age:
                    return self.session_class(contents)
                return self.session_class()  # idle too long: logged out, as Flask's own check does
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            contents, signed_at = serializer.loads(cookie, max_age=int(max_age), return_timestamp=True)
        except BadSignature:  # forged, or signed with another key, or older than the idle lifetime
            return self.session_class()
        if (len(header or "") <= LONGEST_KEPT_HEADER and "_user_id" in contents
                and all(isinstance(value, PLAIN) for value in contents.values())):
            with self._lock:
                self._verified[header] = (contents, signed_at.timestamp())
        return self.session_class(contents)

    def save_session(self, app, session, response) -> None:
        if request.endpoint in SESSIONLESS_ENDPOINTS:
            return
        super().save_session(app, session, response)
        if request.method not in READ_METHODS and "no-store" in response.headers.get("Cache-Control", ""):
            # Nothing stores the answer to a write, so what a stored copy would depend on (Vary:
            # HX-Request, Accept-Encoding, Cookie) says nothing: 43 bytes of every tick's answer
            # on the phone's downlink (B6). Done here, after Flask adds the session's own.
            del response.headers["Vary"]


def refresh_idle_deadline() -> None:
    """Re-issue a logged-in session cookie at most every few minutes, to extend the idle timeout.

    Flask would otherwise re-send the cookie (about 430 bytes) on every response, tick
    fragments and static files included; the idle deadline only needs minute precision.
    """
    if request.endpoint in SESSIONLESS_ENDPOINTS or "_user_id" not in session:
        return
    now = int(time.time())
    if now - session.get("_issued", 0) >= SESSION_REFRESH_INTERVAL.total_seconds():
        session["_issued"] = now


login_manager.session_protection = None  # carrier NAT changes IPs; the server record suffices
