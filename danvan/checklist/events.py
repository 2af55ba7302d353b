"""The live-change log: every checklist write adds a LiveEvent row in its own transaction.

Open pages learn of changes by reading new rows (`danvan.checklist.live`), so the state lives in
the database and any number of server processes can serve writes and streams.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from danvan.database import run
from danvan.extensions import db
from danvan.orm import LiveEvent, Task, User, utcnow
from danvan.pagecache import checklist_write

KEEP_EVENTS = timedelta(days=1)
PAGE_ID = re.compile(r"[0-9a-f]{8,16}")
PAGE_FIELD = "page"
PRUNE_EVERY = 100
MAX_ROWS_PER_CHECK = 500
# The advisory lock (any number the app uses for nothing else) that orders LiveEvent commits.
EVENT_ORDER_LOCK = 382_2021


def page_id(value: str | None) -> str:
    """Return a well-formed page id, or "" for anything else."""
    return value if value and PAGE_ID.fullmatch(value) else ""


def new_page_id() -> str:
    """Return a random id for one open page, named by its stream (`danvan.checklist.live`)."""
    return secrets.token_hex(4)


def announce(task: Task, user: User, part: str, item_id: int | None = None) -> None:
    """Stamp the task's last change, count up its version and log a LiveEvent for open pages, in the
    caller's transaction.

    Call it last, just before the commit.
    """
    at = log_event(task.id, task.unit_id, [u.id for u in task.assignment.coordinating_units], user.id, part, item_id)
    set_committed_value(task, "changed_at", at)
    set_committed_value(task, "changed_by_id", user.id)


# Built once: the statements every checklist write runs (a tick pays for running them only).
_TASKS, _EVENTS = Task.__table__, LiveEvent.__table__
TOUCH_TASK = (update(_TASKS).where(_TASKS.c.id == bindparam("task_id"))
              .values(changed_at=bindparam("at"), changed_by_id=bindparam("user_id"), version=_TASKS.c.version + 1))
NEW_EVENT = insert(_EVENTS)
ORDER_EVENTS = select(func.pg_advisory_xact_lock(EVENT_ORDER_LOCK))
PRUNE_EVENTS = delete(_EVENTS).where(_EVENTS.c.at < bindparam("before"))


def log_event(task_id: int, unit_id: int, helper_ids: Iterable[int], user_id: int, part: str,
              item_id: int | None = None) -> datetime:
    """`announce` in plain statements, for a write that holds no ORM objects (a tick); return its moment.

    Readers take every event after the last id they saw, so ids must become visible in id order:
    on PostgreSQL a transaction could otherwise take id 7 and commit after another took id 8, and
    a reader past 8 would never see 7. A transaction-wide advisory lock, taken before the id,
    queues event writers until each commits (SQLite's BEGIN IMMEDIATE already does).
    """
    now = utcnow()
    run(TOUCH_TASK, {"task_id": task_id, "at": now, "user_id": user_id})
    checklist_write([unit_id, *helper_ids])
    if db.session.get_bind().dialect.name == "postgresql":
        run(ORDER_EVENTS)
    # The page the write came from, when its stream has named it (a form field: `live.stream`).
    origin = page_id(request.form.get(PAGE_FIELD)) if has_request_context() else ""
    event_id = run(NEW_EVENT, {"task_id": task_id, "unit_id": unit_id, "part": part, "item_id": item_id,
                               "origin": origin, "at": now}).inserted_primary_key[0]
    if event_id % PRUNE_EVERY == 0:
        run(PRUNE_EVENTS, {"before": now - KEEP_EVENTS})
    return now


LAST_EVENT = select(func.max(_EVENTS.c.id))


def last_event_id() -> int:
    """Return the newest LiveEvent id (0 if none): where a page's stream starts."""
    return run(LAST_EVENT).scalar() or 0


def event_names(part: str, task_id: int, item_id: int | None) -> list[str]:
    """Return the SSE event names a change raises: the stale piece, then the task's head."""
    if part == "item" and item_id:
        return [f"item-{item_id}", f"task-{task_id}"]
    if part in ("list", "comments"):
        return [f"{part}-{task_id}", f"task-{task_id}"]
    return [f"task-{task_id}"]


def new_events(after: int) -> list:
    """Return the LiveEvent rows after id `after`, oldest first, at most a bounded batch."""
    with db.engine.connect() as conn:
        return conn.execute(
            db.select(LiveEvent.id, LiveEvent.task_id, LiveEvent.part, LiveEvent.item_id, LiveEvent.origin)
            .where(LiveEvent.id > after)
            .order_by(LiveEvent.id)
            .limit(MAX_ROWS_PER_CHECK)
        ).all()
