"""Live updates over Server-Sent Events: a stream names the checklist pieces that changed.

A stream holds no transaction between its checks (one short read per check on its own
connection), so SQLite WAL checkpoints are never blocked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from flask import Response, current_app, request, stream_with_context

from danvan.access import Access, access
from danvan.checklist import bp
from danvan.checklist.events import event_names, new_events, page_id
from danvan.checklist.queries import helping_assignment_ids
from danvan.extensions import db
from danvan.orm import Task
from danvan.text import small_id


def stream(
    task_ids: frozenset[int] | None, after: int, *, origin: str = "", seconds: float, poll: float,
    keepalive: float,
) -> Iterator[str]:
    """Yield SSE text: named events for new LiveEvent rows of these tasks (None: all), keepalives.

    Changes made from the page itself (same origin page id) are skipped: it has them already.
    Ends after `seconds`; the browser's EventSource reconnects with Last-Event-ID.
    """
    yield "retry: 3000\n\n"
    now = time.monotonic()
    deadline, quiet_until = now + seconds, now + keepalive
    while time.monotonic() < deadline:
        rows = new_events(after)
        names: list[str] = []
        for row in rows:
            after = row.id
            if origin and row.origin == origin:
                continue
            if task_ids is None or row.task_id in task_ids:
                names += [n for n in event_names(row.part, row.task_id, row.item_id) if n not in names]
        if names:
            events = [f"event: {name}\ndata:\n\n" for name in names[:-1]]
            events.append(f"id: {after}\nevent: {names[-1]}\ndata:\n\n")
            yield "".join(events)
            quiet_until = time.monotonic() + keepalive
        elif time.monotonic() >= quiet_until:
            yield ":\n\n"
            quiet_until = time.monotonic() + keepalive
        time.sleep(poll)


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
    # Hold no connection or transaction while streaming: each check opens its own.
    db.session.close()
    config = current_app.config
    body = stream(
        task_ids, after, origin=page_id(request.args.get("page")),
        # Bounded so a thread is never held forever; EventSource reconnects with Last-Event-ID.
        seconds=config.get("LIVE_STREAM_SECONDS", 900),
        poll=config.get("LIVE_POLL_SECONDS", 1.0),
        keepalive=config.get("LIVE_KEEPALIVE_SECONDS", 30),
    )
    return Response(
        stream_with_context(body),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
