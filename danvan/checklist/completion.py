"""How much of a checklist is done: the one rule of a finished task, and counts per task and unit.

The checklist pages, the home page, the province at a glance and the reports all count here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func

from danvan import clock
from danvan.database import run
from danvan.extensions import db
from danvan.orm import Assignment, ChecklistItem, Task

# Built once: every checklist page, the province view and the home page count with it.
COUNTS = (
    db.select(
        ChecklistItem.task_id,
        func.count(ChecklistItem.done_at),
        func.count(),
        func.count().filter(ChecklistItem.done_at.is_(None)
                            & (ChecklistItem.due_on < bindparam("today", type_=ChecklistItem.due_on.type))),
    )
    .where(ChecklistItem.task_id.in_(bindparam("ids", expanding=True)), ChecklistItem.removed_at.is_(None))
    .group_by(ChecklistItem.task_id)
)


def counts(task_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
    """Return {task id: (done items, items, overdue items)} for live items, in one query."""
    ids = list(task_ids)
    if not ids:
        return {}
    found = {task_id: (done, total, late)
             for task_id, done, total, late in run(COUNTS, {"ids": ids, "today": clock.today()})}
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
