"""Live checklists: every write leaves a LiveEvent row; open pages read new rows over SSE.

State lives in the database, never in process memory, so any number of server processes can
serve the writes and the streams. A stream holds no transaction between its checks (one short
read per check on its own connection), so SQLite WAL checkpoints are never blocked.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import func

from danvan import clock
from danvan.extensions import db
from danvan.orm import Assignment, ChecklistItem, LiveEvent, Task, User, utcnow

KEEP_EVENTS = timedelta(days=1)
PAGE_HEADER = "X-Page"
PAGE_ID = re.compile(r"[0-9a-f]{8,16}")
PRUNE_EVERY = 100
MAX_ROWS_PER_CHECK = 500


def new_page_id() -> str:
    """Return a random id for one open page; its writes carry it so its own stream skips them."""
    return secrets.token_hex(4)


def page_id(value: str | None) -> str:
    """Return a well-formed page id, or "" for anything else."""
    return value if value and PAGE_ID.fullmatch(value) else ""


def touch(task: Task, user: User, part: str, item_id: int | None = None) -> None:
    """Stamp the task's last change and log a LiveEvent in the caller's transaction."""
    task.changed_at = utcnow()
    task.changed_by_id = user.id
    origin = page_id(request.headers.get(PAGE_HEADER)) if has_request_context() else ""
    event = LiveEvent(task_id=task.id, unit_id=task.unit_id, part=part, item_id=item_id, origin=origin)
    db.session.add(event)
    db.session.flush()
    if event.id % PRUNE_EVERY == 0:
        db.session.execute(db.delete(LiveEvent).where(LiveEvent.at < utcnow() - KEEP_EVENTS))


def last_event_id() -> int:
    """Return the newest LiveEvent id (0 if none): where a page's stream starts."""
    return db.session.scalar(db.select(func.max(LiveEvent.id))) or 0


def counts(task_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
    """Return {task id: (done items, items, overdue items)} for live items, in one query."""
    ids = list(task_ids)
    if not ids:
        return {}
    today = clock.today()
    rows = db.session.execute(
        db.select(
            ChecklistItem.task_id,
            func.count(ChecklistItem.done_at),
            func.count(),
            func.count().filter((ChecklistItem.done_at.is_(None)) & (ChecklistItem.due_on < today)),
        )
        .where(ChecklistItem.task_id.in_(ids), ChecklistItem.removed_at.is_(None))
        .group_by(ChecklistItem.task_id)
    ).all()
    found = {task_id: (done, total, late) for task_id, done, total, late in rows}
    return {task_id: found.get(task_id, (0, 0, 0)) for task_id in ids}


def task_done(done_at: datetime | None, done_items: int, items: int) -> bool:
    """The one rule of a finished task: its unit marked it done, or every live item is ticked."""
    return done_at is not None or (items > 0 and done_items == items)


@dataclass
class Completion:
    """A unit's checklist on a plan: việc cần làm (items) done of all, tasks done of all."""

    items_done: int = 0
    items: int = 0
    tasks_done: int = 0
    tasks: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def completion(plan_id: int, unit_ids: Iterable[int]) -> dict[int, Completion]:
    """Return {unit id: Completion} of the units' tasks of a plan, as the checklist page counts them.

    Two queries whatever the number of units; a unit without tasks gets zeros.
    """
    ids = list(unit_ids)
    result = {unit_id: Completion() for unit_id in ids}
    if not ids:
        return result
    tasks = db.session.execute(
        db.select(Task.id, Task.unit_id, Task.done_at).join(Task.assignment)
        .where(Assignment.plan_id == plan_id, Task.unit_id.in_(ids))
    ).all()
    item_counts = counts(t.id for t in tasks)
    for task_id, unit_id, done_at in tasks:
        done, total, _late = item_counts[task_id]
        c = result[unit_id]
        c.items_done += done
        c.items += total
        c.tasks += 1
        c.tasks_done += task_done(done_at, done, total)
    return result


def event_names(part: str, task_id: int, item_id: int | None) -> list[str]:
    """Return the SSE event names a change raises: the stale piece, then the task's head."""
    if part == "item" and item_id:
        return [f"item-{item_id}", f"task-{task_id}"]
    if part in ("list", "comments"):
        return [f"{part}-{task_id}", f"task-{task_id}"]
    return [f"task-{task_id}"]


def _new_events(after: int) -> list:
    with db.engine.connect() as conn:
        return conn.execute(
            db.select(LiveEvent.id, LiveEvent.task_id, LiveEvent.part, LiveEvent.item_id, LiveEvent.origin)
            .where(LiveEvent.id > after)
            .order_by(LiveEvent.id)
            .limit(MAX_ROWS_PER_CHECK)
        ).all()


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
        rows = _new_events(after)
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
