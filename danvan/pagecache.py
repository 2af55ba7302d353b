"""Kept pages: a page rendered once is sent again, without a query of its data, until something
it shows has changed.

Every write transaction bumps version counters (`DataVersion`) in the same transaction, just
before it commits:

- a checklist write (one that `announce`s a live event and writes only checklist rows) bumps
  "checklist" and "unit:<id>" of the task's unit and of every unit coordinating on it (their
  pages show the task);
- a login or logout bumps "login:<user id>": of the pages kept, only the account's own home
  shows its logins (what is new since its last visit);
- a write of progress only (entries, houses, roads, allocations) bumps "progress", of reports
  only (a draft, a submission, a review, the compiled report) "reports": on reporting day they
  renew the pages that show them (homes, the mô hình pages), not every checklist;
- any other write bumps "all".

A kept page carries the counters of the scopes it depends on, read before its data, and is
reused only while they are unchanged: one small query instead of the page's. The default
scopes, "all", "checklist", "progress" and "reports", are bumped by every write but a login,
so a page is stale never; a view names what it shows of them (`cached_page(shows=…)`), narrows
"checklist" to some units' (`units`, `depends_on`), and adds its reader's logins where it shows them.

Pages are kept per login session (the header, the CSRF token and what the account may do are
the session's), or for everyone (`shared=True`) where a fragment is the same for every reader.
Each process keeps its own, bounded in bytes; the counters live in the database, so a write
through any process or server reaches them all. A write that bypasses the ORM session (raw
SQL on a connection of its own) bumps nothing: the app has none; a script that does must
restart the servers.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import TypeVar

from cachetools import LRUCache
from flask import current_app, g, has_request_context, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from danvan import clock
from danvan.database import READ_METHODS
from danvan.extensions import db

ALL, CHECKLIST, PROGRESS, REPORTS = "all", "checklist", "progress", "reports"
EVERYTHING = (CHECKLIST, PROGRESS, REPORTS)  # what a page may show besides what "all" covers
# What a checklist write touches (with its trace row).
CHECKLIST_TABLES = frozenset({"checklist_item", "task", "task_comment", "live_event", "change"})
# What a write of progress only, or of reports only, touches; a transaction that writes any
# other table, or these beside each other's, bumps "all".
PROGRESS_TABLES = frozenset({"progress_entry", "house", "road", "allocation", "change"})
REPORT_TABLES = frozenset({"report", "report_line", "report_event", "kept_draft", "compiled_report", "change"})
# Written without changing any page that is kept: failed logins, the counters themselves.
QUIET_TABLES = frozenset({"login_failure", "data_version"})
WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
WRITTEN = "danvan_written"
CHECKLIST_UNITS = "danvan_checklist_units"
# What a login or logout writes: its session record and its trace row.
LOGIN_TABLES = frozenset({"login_session", "change"})
LOGIN_USER = "danvan_login_user"
# Stands for the reader's CSRF token in a kept piece shared by several readers (a checklist row).
CSRF_MARK = "\x01csrf\x01"
LOCK = threading.Lock()  # an LRU reorders itself on every read
HX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-Trigger")
T = TypeVar("T")

# Plain SQL on the session's connection: on a kept page this is the one query of the page's own,
# and the ORM would triple its cost (187 µs against 59 µs measured).
VERSIONS = text("SELECT scope, n FROM data_version WHERE scope IN :scopes").bindparams(
    bindparam("scopes", expanding=True))


@lru_cache(maxsize=16)
def _bump_statement(scopes: int):
    """The one statement that bumps `scopes` counters (a tick bumps 2 to 4): built once per count."""
    rows = ", ".join(f"(:s{i}, 1)" for i in range(scopes))  # bound parameters only, never a value
    return text("INSERT INTO data_version (scope, n) VALUES " + rows
                + " ON CONFLICT (scope) DO UPDATE SET n = data_version.n + 1")


def unit_scope(unit_id: int) -> str:
    return f"unit:{unit_id}"


# ---- writes bump versions ------------------------------------------------------------------

@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if (match := WRITE.match(statement)) is not None:
        # A page never writes: on PostgreSQL it runs outside a transaction (danvan.database).
        if has_request_context() and request.method in READ_METHODS:
            raise RuntimeError(f"a {request.method} request must not write: {statement[:60]}")
        conn.info.setdefault(WRITTEN, set()).add(match.group(1).lower())


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_writes(conn) -> None:
    conn.info.pop(WRITTEN, None)


def checklist_write(unit_ids: Iterable[int]) -> None:
    """Say that this transaction is a checklist write shown on these units' pages."""
    db.session.info.setdefault(CHECKLIST_UNITS, set()).update(unit_ids)


def login_write(user_id: int) -> None:
    """Say that this transaction logs an account in or out (a crowd logging in on reporting day
    then renews its own home only, not every kept page of the province)."""
    db.session.info[LOGIN_USER] = user_id


def login_scope(user_id: int) -> str:
    return f"login:{user_id}"


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    """Bump the counters of what this transaction wrote, in it, just before it commits."""
    session.flush()
    units = session.info.pop(CHECKLIST_UNITS, set())
    login = session.info.pop(LOGIN_USER, None)
    written = session.connection().info.pop(WRITTEN, set()) - QUIET_TABLES
    if not written:
        return
    if units and written <= CHECKLIST_TABLES:
        scopes = [CHECKLIST, *sorted(unit_scope(u) for u in units)]
    elif login is not None and written <= LOGIN_TABLES:
        scopes = [login_scope(login)]
    elif written <= PROGRESS_TABLES:
        scopes = [PROGRESS]
    elif written <= REPORT_TABLES:
        scopes = [REPORTS]
    else:
        scopes = [ALL]
    # Sorted, so two writers on PostgreSQL take the counters' row locks in the same order.
    session.connection().execute(_bump_statement(len(scopes)),
                                 {f"s{i}": scope for i, scope in enumerate(sorted(scopes))})


@event.listens_for(Session, "after_rollback")
def _forget_units(session: Session) -> None:
    session.info.pop(CHECKLIST_UNITS, None)
    session.info.pop(LOGIN_USER, None)


def versions(scopes: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Return ((scope, counter), …) of these scopes, sorted, 0 for a scope never written."""
    wanted = sorted(set(scopes))
    found = dict(db.session.connection().execute(VERSIONS, {"scopes": wanted}).all())
    return tuple((scope, found.get(scope, 0)) for scope in wanted)


# ---- pages are kept ------------------------------------------------------------------------

@dataclass(frozen=True)
class Kept:
    versions: tuple[tuple[str, int], ...]
    body: str
    # Its compressed bytes by Flask-Compress's key ("br;kept"), made at its first sending as it was
    # kept (`KeptEncodings`); about a tenth of the body more, not counted in the cache's bytes.
    encoded: dict[str, bytes] = field(default_factory=dict, compare=False)


class KeptEncodings:
    """Flask-Compress's cache (COMPRESS_CACHE_BACKEND): a page sent again exactly as it was kept is
    compressed once, not at every sending (brotli was 1,35 ms of the province view's 3,1 sent
    again, 0,2 ms of a home's 1,9, 0,3–0,4 ms of a checklist's; measured). Any other answer is
    compressed as it always was. So nothing in a kept page may differ between sendings: its CSRF
    token is the one of its first rendering, the session's own, and an open checklist is named
    by its live stream (danvan.checklist.live), not in its HTML.
    """

    def get(self, key: str) -> bytes | None:
        kept = g.get("danvan_sent_kept")
        return kept.encoded.get(key) if kept is not None else None

    def set(self, key: str, value: bytes) -> None:
        if (kept := g.get("danvan_sent_kept")) is not None:
            kept.encoded[key] = value


def kept_encoding_key(_request) -> str:
    """COMPRESS_CACHE_KEY: one kept page's bytes per encoding; which page is the request's `g`."""
    return "kept"


def _cache() -> LRUCache | None:
    app = current_app._get_current_object()
    cache = app.extensions.get("danvan_pages")
    if cache is None:
        size = app.config.get("PAGE_CACHE_BYTES", 32 * 1024 * 1024)
        if not size:
            return None
        cache = app.extensions.setdefault("danvan_pages", LRUCache(size, getsizeof=lambda kept: len(kept.body)))
    return cache


def forget_kept_pages(app) -> None:
    """Drop this process's kept pages and pieces (a test measuring what a page costs to render)."""
    app.extensions.pop("danvan_pages", None)
    app.extensions.pop("danvan_pieces", None)


def _pieces() -> LRUCache | None:
    """This process's kept pieces of pages, bounded in bytes, or None when pages are not kept."""
    if _cache() is None:
        return None
    app = current_app._get_current_object()
    store = app.extensions.get("danvan_pieces")
    if store is None:
        size = app.config.get("PIECE_CACHE_BYTES", 32 * 1024 * 1024)
        store = app.extensions.setdefault("danvan_pieces", LRUCache(size, getsizeof=_size))
    return store


def _size(piece) -> int:
    return len(piece) if isinstance(piece, str) else piece.size


def kept_piece(key: tuple, make: Callable[[], T]) -> T:
    """Return the piece of a page kept under `key`, made (`make()`) once per process.

    A piece is a row, a section or a part of a page, shared by every page and reader it suits.
    Its key starts with its kind and holds everything it depends on: the object's own version
    (a task's) or `page_counters(…)`, the day, what the reader may do there. So a changed
    object is a new key and a piece is never stale. HTML with a form carries no reader's CSRF
    token (`without_token`); a piece other than text has a `size` in bytes.
    """
    store = _pieces()
    if store is None:
        return make()
    with LOCK:
        piece = store.get(key)
    if piece is None:
        piece = make()
        with LOCK:
            store[key] = piece
    return piece


def kept_pieces(keys: dict) -> dict:
    """Return {name: piece} of those of `keys` ({name: key}) that are kept; the caller makes the
    others at once (one query for all) and `keep`s them."""
    store = _pieces()
    if store is None:
        return {}
    with LOCK:
        return {name: piece for name, key in keys.items() if (piece := store.get(key)) is not None}


def keep(pieces: dict) -> None:
    """Keep these pieces ({key: piece}) made by the caller (`kept_pieces`)."""
    store = _pieces()
    if store is not None:
        with LOCK:
            store.update(pieces)


def kept_part(name: tuple, make: Callable[[], T], *, readers_own: bool = True) -> T:
    """Return a part of a page that no checklist write changes: `make()` once per counters of all
    but checklists and day, then kept; once per login too when it is the reader's own (a home's
    shares, reports, plans, standing to-dos) rather than every reader's (the province at a glance)."""
    counters, reader = page_counters(ALL, PROGRESS, REPORTS), session.get("_user_id") if readers_own else ""
    if counters is None or reader is None:
        return make()
    return kept_piece(("part", *name, reader, counters, clock.today()), make)


def without_token(html: str) -> str:
    """Return kept HTML with the reader's CSRF token taken out (`with_token` puts one back)."""
    return html.replace(_token(), CSRF_MARK)


def with_token(html: str) -> Markup:
    """Return kept HTML with this reader's CSRF token put in."""
    return Markup(html.replace(CSRF_MARK, _token()))


def _token() -> str:
    # A page puts it into each of its kept rows and forms: asked of Flask-WTF once per request.
    if (token := g.get("danvan_csrf_token")) is None:
        token = g.danvan_csrf_token = generate_csrf()
    return token


def page_counters(*scopes: str) -> tuple[int, ...] | None:
    """Return the counters of these scopes this page read before its data, to key a kept piece
    with (None: the page is not kept, or does not depend on one of them)."""
    found = g.get("danvan_page_versions")
    if not found:
        return None
    read = dict(found)
    return tuple(read[scope] for scope in scopes) if all(scope in read for scope in scopes) else None


def _key(shared: bool) -> tuple | None:
    if request.method != "GET" or "_flashes" in session:
        return None  # a message waits to be shown once: this page is not the same as before
    # Shared: an htmx fragment every reader gets alike; a whole page carries its reader's header.
    for_all = shared and request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
    reader = None if for_all else session.get("_user_id")
    if reader is None and not for_all:
        return None
    return (request.full_path, reader, clock.today(), *(request.headers.get(h) for h in HX_HEADERS))


def depends_on(*, units: Iterable[int] | None = None, login: int | None = None) -> None:
    """Set the page's scopes before it reads its data: `units`, it shows these units' checklists
    and no other (instead of every checklist); `login`, it shows this account's logins too (what
    is new since its last visit). "all" keeps the counter read before the view began."""
    if "danvan_page_versions" not in g:
        return
    scopes = dict(g.danvan_page_versions)
    added = [login_scope(login)] if login is not None else []
    if units is not None:
        scopes.pop(CHECKLIST, None)
        added += [unit_scope(u) for u in units]
    read = g.get("danvan_read_versions", {})  # what cached_page read before the view, if anything
    known = all(scope in read for scope in added)
    counters = [(scope, read[scope]) for scope in added] if known else versions(added)
    g.danvan_page_versions = tuple(sorted((*scopes.items(), *counters)))


def cached_page(*, shared: bool = False, shows: tuple[str, ...] = EVERYTHING,
                units: Callable[..., Iterable[int]] | None = None) -> Callable:
    """Keep the view's page (a 200 of HTML text) and send it again while its scopes are unchanged.

    `shows`: which of checklists, progress and reports the page shows ("all" it always depends
    on). `units(**view_args)`: the checklists it shows are these units' only (`depends_on`,
    known from the URL before the view runs, so read in the same query as the rest).
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            cache = _cache()
            key = _key(shared) if cache is not None else None
            if key is None:
                return view(*args, **kwargs)
            with LOCK:
                kept = cache.get(key)
            scopes = [ALL, *(scope for scope in shows if scope != CHECKLIST or units is None)]
            if units is not None:
                scopes += [unit_scope(u) for u in units(**kwargs)]
            # The counters of the kept page and of the page's scopes, in one query, before the data
            # (so never newer than it): a page a tick renewed reads its counters once.
            read = g.danvan_read_versions = dict(versions([*scopes, *(scope for scope, _ in kept.versions)]
                                                          if kept is not None else scopes))
            if kept is not None and all(read[scope] == n for scope, n in kept.versions):
                return _sent(kept)
            g.danvan_page_versions = tuple(sorted((scope, read[scope]) for scope in set(scopes)))
            body = view(*args, **kwargs)
            if isinstance(body, str):
                kept = Kept(g.danvan_page_versions, body)
                with LOCK:
                    cache[key] = kept
                return _sent(kept)
            return body

        return wrapped

    return decorate


def _sent(kept: Kept) -> str:
    """Return a kept page's body to send; its compressed bytes are kept with it (`KeptEncodings`)."""
    g.danvan_sent_kept = kept
    return kept.body
