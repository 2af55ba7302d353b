"""A tick: read in one query, written in one short transaction, answered from the values in hand.

The tick is the write a province sends most on reporting day, so it holds no ORM objects: the
item, its task and the task's counts come as plain columns in a read transaction; the write
lock is held only for the conditional UPDATE (two taps, two tabs or two servers never record
it twice), its trace row and its live event; the row and the counter are then rendered from
those values, with nothing read again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import abort
from sqlalchemy import String, bindparam, cast, func, insert, select, update
from sqlalchemy.orm import aliased

from danvan import clock
from danvan.access import Rule, require
from danvan.checklist.events import log_event
from danvan.checklist.queries import ItemRow, TaskRow, Ticker, UnitName
from danvan.database import run, write_transaction
from danvan.evidence.queries import item_photo_count
from danvan.orm import (
    Assignment,
    Change,
    ChecklistItem,
    Plan,
    Task,
    Unit,
    User,
    change_values,
    short_name_on,
    utcnow,
)
from danvan.orm.plan import assignment_coordinator

_live = aliased(ChecklistItem)


def _counted(column):
    return (select(column).where(_live.task_id == ChecklistItem.task_id, _live.removed_at.is_(None))
            .correlate(ChecklistItem).scalar_subquery())


def _row_query():
    today = bindparam("today", type_=ChecklistItem.due_on.type)
    # The units coordinating on the task's assignment, as "3,7": read here, not in a query of their own.
    helpers = (select(func.aggregate_strings(cast(assignment_coordinator.c.unit_id, String), ","))
               .where(assignment_coordinator.c.assignment_id == Assignment.id)
               .correlate(Assignment).scalar_subquery())
    return (
        select(ChecklistItem.id, ChecklistItem.text, ChecklistItem.due_on, ChecklistItem.responsible,
               ChecklistItem.done_at, ChecklistItem.ticked_at, ChecklistItem.ticked_by_id,
               Task.id.label("task_id"), Task.unit_id, Task.assignment_id, Task.done_at.label("task_done_at"),
               Plan.year, item_photo_count().label("photos"), helpers.label("helpers"),
               _counted(func.count(_live.done_at)).label("done_items"),
               _counted(func.count()).label("items"),
               _counted(func.count().filter(_live.done_at.is_(None) & (_live.due_on < today))).label("late_items"))
        .join(Task, Task.id == ChecklistItem.task_id)
        .join(Assignment, Assignment.id == Task.assignment_id)
        .join(Plan, Plan.id == Assignment.plan_id)
        .where(ChecklistItem.id == bindparam("item_id"), ChecklistItem.removed_at.is_(None))
    )


# Built once: a tick pays for running its statements, not for putting them together.
ROW = _row_query()
TICKER = (select(User.__table__.c.full_name, User.__table__.c.username, Unit.__table__.c.id,
                 Unit.__table__.c.short_name)
          .join_from(User.__table__, Unit.__table__, Unit.__table__.c.id == User.__table__.c.unit_id)
          .where(User.__table__.c.id == bindparam("user_id")))
_ITEMS = ChecklistItem.__table__
_MARK = {"ticked_at": bindparam("now"), "ticked_by_id": bindparam("user_id")}
# The WHERE clause re-reads what the page was loaded with: a tap that lost a race changes nothing.
TICK = {
    True: update(_ITEMS).where(_ITEMS.c.id == bindparam("item_id"), _ITEMS.c.removed_at.is_(None),
                               _ITEMS.c.done_at.is_(None))
    .values(done_at=bindparam("now"), done_by_id=bindparam("user_id"), **_MARK),
    False: update(_ITEMS).where(_ITEMS.c.id == bindparam("item_id"), _ITEMS.c.removed_at.is_(None),
                                _ITEMS.c.done_at.is_not(None))
    .values(done_at=None, done_by_id=None, **_MARK),
}
TRACE = insert(Change.__table__)


def get_tick_row(item_id: int, may: Rule | None) -> ItemRow:
    """Return a live item with its task's counts, in one query; 404 when gone, 403 when `may` refuses."""
    found = run(ROW, {"item_id": item_id, "today": clock.today()}).first()
    if found is None:
        abort(404)
    task = TaskRow(found.task_id, found.unit_id, found.assignment_id, found.year, found.task_done_at,
                   (found.done_items, found.items, found.late_items),
                   tuple(int(unit_id) for unit_id in (found.helpers or "").split(",") if unit_id))
    row = ItemRow(found.id, task, found.text, found.due_on, found.responsible, found.done_at,
                  found.ticked_at, found.ticked_by_id, None, found.photos)
    require(may, row)
    return row


def _shown(row: ItemRow) -> ItemRow:
    return replace(row, ticked_by=_ticker(row.ticked_by_id, row.task.year))


def _ticker(user_id: int | None, year: int, user: User | None = None) -> Ticker | None:
    if user_id is None:
        return None
    if user is None or user.id != user_id:
        found = run(TICKER, {"user_id": user_id}).one()
        display, unit_id, short_name = found.full_name or found.username, found.id, found.short_name
    else:
        display, unit_id, short_name = user.display_name, user.unit_id, user.unit._short_name
    return Ticker(display, UnitName(short_name_on(unit_id, short_name, date(year, 12, 31))))


def set_done(row: ItemRow, want: bool, user: User) -> ItemRow:
    """Set the item done (or not) if it still is the other way and not removed; return it as it now is.

    A tap that lost a race to another one changes nothing and records nothing (TICK's WHERE
    clause); it is then shown as the winner left it.
    """
    if want == row.done:
        return _shown(row)
    me = _ticker(user.id, row.task.year, user)  # read before the write, not inside it
    with write_transaction():
        now = utcnow()
        changed = run(TICK[want], {"item_id": row.id, "now": now, "user_id": user.id}).rowcount == 1
        if changed:
            run(TRACE, change_values(user, "tick" if want else "untick", "checklist_item", row.id,
                                     task_id=row.task.id))
            log_event(row.task.id, row.task.unit_id, row.task.helper_ids, user.id, "item", row.id)
    if not changed:  # another tap won: show the item as it now is
        return _shown(get_tick_row(row.id, may=None))
    done, total, late = row.task.counts
    step = 1 if want else -1
    counts = (done + step, total, late - step if row.due_on is not None and row.due_on < clock.today() else late)
    return replace(row, done_at=now if want else None, ticked_at=now, ticked_by_id=user.id,
                   ticked_by=me, task=replace(row.task, counts=counts))
