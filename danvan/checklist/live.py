"""Live updates over Server-Sent Events: a stream names the checklist pieces that changed.

One poller per server process (`Hub`) reads new LiveEvent rows once a second and wakes the
streams of that process; an open page costs nothing between changes but a keepalive every
half minute. The poller holds no transaction between its checks and stops when no page is
open, so SQLite WAL checkpoints are never blocked. The log lives in the database, so a tick
served by one process reaches pages streamed by any other.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator

from flask import Flask, Response, current_app, request, stream_with_context
from sqlalchemy.exc import SQLAlchemyError

from danvan.access import Access, access
from danvan.checklist import bp
from danvan.checklist.events import (
    MAX_ROWS_PER_CHECK,
    PAGE_FIELD,
    event_names,
    last_event_id,
    new_events,
    new_page_id,
)
from danvan.checklist.queries import helping_assignment_ids
from danvan.database import reads_only
from danvan.extensions import db
from danvan.orm import Task
from danvan.text import small_id

log = logging.getLogger(__name__)
SHORTEST_POLL = 0.05  # seconds: a poll interval of 0 in a test must not spin
# What a page's "page" event puts in it (templates/checklist/unit.html): its forms send it along.
PAGE_INPUT = f'<input type="hidden" id="page-id" name="{PAGE_FIELD}" value="{{}}">'


class Hub:
    """The recent LiveEvent rows of one process, polled by one thread while any stream is open."""

    def __init__(self, app: Flask):
        self.app = app
        self.changed = threading.Condition()
        self.recent: deque = deque(maxlen=MAX_ROWS_PER_CHECK)
        self.newest = -1  # the newest event id the poller has read; -1 before its first check
        self.floor = 0  # every event after this id is in `recent`
        self.streams = 0
        self.polling = False

    def events_after(self, after: int, wait: float) -> list:
        """Return the events after id `after`, waiting up to `wait` seconds for one to arrive."""
        deadline = time.monotonic() + wait
        with self.changed:
            while self.newest <= after and (left := deadline - time.monotonic()) > 0:
                self.changed.wait(left)
            if self.newest < 0 or self.newest <= after:
                return []
            if after >= self.floor:
                return [row for row in self.recent if row.id > after]
        # Further back than the poller remembers (a page opened a while ago): read them once.
        return new_events(after)

    def open(self) -> None:
        with self.changed:
            self.streams += 1
            if not self.polling:
                self.polling = True
                threading.Thread(target=self._poll, name="live-hub", daemon=True).start()

    def close(self) -> None:
        with self.changed:
            self.streams -= 1

    def _poll(self) -> None:
        interval = max(self.app.config.get("LIVE_POLL_SECONDS", 1.0), SHORTEST_POLL)
        with self.app.app_context():
            reads_only()  # never the write lock, which every tick of the province waits on
            while True:
                with self.changed:
                    if not self.streams:
                        self.polling, self.newest = False, -1  # the next stream starts afresh
                        self.recent.clear()
                        return
                    newest = self.newest
                try:
                    rows = new_events(newest) if newest >= 0 else []
                    if newest < 0:
                        newest = self.floor = last_event_id()
                except SQLAlchemyError as error:  # the database is away a moment: streams wait, then resume
                    log.warning("live events not read: %s", error.__class__.__name__)
                    rows = []
                finally:
                    db.session.remove()
                with self.changed:
                    self.recent.extend(rows)
                    if len(self.recent) == self.recent.maxlen:
                        self.floor = self.recent[0].id - 1
                    self.newest = rows[-1].id if rows else newest
                    self.changed.notify_all()
                time.sleep(interval)


def hub() -> Hub:
    app = current_app._get_current_object()
    found = app.extensions.get("danvan_live_hub")
    if found is None:
        found = app.extensions.setdefault("danvan_live_hub", Hub(app))
    return found


def stream(
    task_ids: frozenset[int] | None, after: int, *, named: bool = False, seconds: float, keepalive: float,
) -> Iterator[str]:
    """Yield SSE text: named events for new LiveEvent rows of these tasks (None: all), keepalives.

    A `named` stream first names its page (a "page" event: the hidden field its forms send,
    `PAGE_INPUT`), then skips the changes made from it: the page has them already. Named
    here rather than in the page's HTML, so a kept checklist is the same at every sending and is
    compressed once (danvan.pagecache.KeptEncodings). Ends after `seconds`; the browser's
    EventSource reconnects with Last-Event-ID, and the page gets a new name.
    """
    events = hub()
    events.open()
    try:
        origin = new_page_id() if named else ""  # made here, never taken from a request
        yield "retry: 3000\n\n" + (f"event: page\ndata: {PAGE_INPUT.format(origin)}\n\n" if named else "")
        now = time.monotonic()
        deadline, quiet_until = now + seconds, now + keepalive
        while (now := time.monotonic()) < deadline:
            rows = events.events_after(after, max(0.0, min(quiet_until, deadline) - now))
            names: list[str] = []
            for row in rows:
                after = row.id
                if origin and row.origin == origin:
                    continue
                if task_ids is None or row.task_id in task_ids:
                    names += [n for n in event_names(row.part, row.task_id, row.item_id) if n not in names]
            if names:
                parts = [f"event: {name}\ndata:\n\n" for name in names[:-1]]
                parts.append(f"id: {after}\nevent: {names[-1]}\ndata:\n\n")
                yield "".join(parts)
                quiet_until = time.monotonic() + keepalive
            elif time.monotonic() >= quiet_until:
                yield ":\n\n"
                quiet_until = time.monotonic() + keepalive
    finally:
        events.close()


@bp.get("/live")
@access(Access.MEMBER)
def live_stream():
    """Stream Server-Sent Events naming the checklist pieces that changed (a unit's page, or all)."""
    unit_id = small_id(request.args.get("unit"))
    task_ids = None
    if unit_id:
        task_ids = frozenset(db.session.scalars(
            db.select(Task.id).where((Task.unit_id == unit_id) | Task.assignment_id.in_(
                helping_assignment_ids(unit_id)))
        ))
    after = max(small_id(request.args.get("since")), small_id(request.headers.get("Last-Event-ID")))
    # Hold no connection or transaction while streaming.
    db.session.close()
    config = current_app.config
    body = stream(
        # A unit's checklist is named, for its writes; the province view writes nothing.
        task_ids, after, named=bool(unit_id),
        # Bounded so a connection is never held forever; EventSource reconnects with Last-Event-ID.
        seconds=config.get("LIVE_STREAM_SECONDS", 900),
        keepalive=config.get("LIVE_KEEPALIVE_SECONDS", 30),
    )
    return Response(
        stream_with_context(body),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
