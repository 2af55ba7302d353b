"""The province checklist: every unit's tasks of one province plan, with counts and last change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import get_template_attribute, render_template, request
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.orm import aliased

from danvan import clock
from danvan.access import Access, access
from danvan.checklist import bp
from danvan.checklist.completion import counts, task_done
from danvan.checklist.events import last_event_id
from danvan.database import run
from danvan.extensions import db
from danvan.orm import Assignment, Plan, Task, Unit, UnitKind, User, short_names, show_units_of_year
from danvan.pagecache import (
    ALL,
    CHECKLIST,
    cached_page,
    keep,
    kept_piece,
    kept_pieces,
    page_counters,
)
from danvan.text import small_id
from danvan.web import wants_fragment

PAGE = "checklist/province.html"
KIND_FILTERS = {
    "boards": (UnitKind.BOARD, UnitKind.OFFICE_CELL, UnitKind.OFFICE_UNION),
    "districts": (UnitKind.DISTRICT, UnitKind.COMMUNE),
    "affiliated": (UnitKind.AFFILIATED, UnitKind.GRASSROOTS),
}


STATES = {"late": "Có việc quá hạn", "open": "Chưa xong", "done": "Đã xong"}
SORTS = {"": "Theo tổ chức", "behind": "Chậm nhất trước"}


@dataclass(frozen=True)
class Row:
    """One task of the province view: what its row shows, nothing more."""

    id: int
    unit_id: int
    unit_name: str
    title: str
    done_at: datetime | None
    changed_at: datetime | None
    changed_by_unit: str
    done: int
    total: int
    late: int

    @property
    def finished(self) -> bool:
        return task_done(self.done_at, self.done, self.total)


@dataclass(frozen=True)
class KeptRow:
    row: Row
    html: Markup

    @property
    def size(self) -> int:
        return len(self.html) + 200


def _ordered(where):
    return (db.select(Task.id, Task.version)
            .join(Assignment, Assignment.id == Task.assignment_id).join(Unit, Unit.id == Task.unit_id)
            .where(where).order_by(Unit.position, Assignment.position, Task.id))


_CHANGER = aliased(User)
# Built once: a province page reads its plans, its tasks' ids and versions in the view's order (all
# units or some kinds), and then the rows it does not keep (the ticked task's).
PLANS = (db.select(Plan.id, Plan.year, Plan.code).where(Plan.parent_plan_id.is_(None))
         .order_by(Plan.year.desc(), Plan.id.desc()))
TASKS_OF_PLAN = _ordered(Assignment.plan_id == bindparam("plan_id"))
TASKS_OF_KINDS = _ordered((Assignment.plan_id == bindparam("plan_id"))
                          & Unit.kind.in_(bindparam("kinds", expanding=True)))
ONE_TASK = _ordered(Task.id == bindparam("task_id"))
ROWS = (db.select(Task.id, Task.unit_id, Assignment.short_title, Task.done_at, Task.changed_at,
                  _CHANGER.unit_id.label("changer_unit"))
        .join(Assignment, Assignment.id == Task.assignment_id)
        .outerjoin(_CHANGER, _CHANGER.id == Task.changed_by_id)
        .where(Task.id.in_(bindparam("ids", expanding=True))))


def _rows(tasks: list) -> list[KeptRow]:
    """Return the rows of these tasks ((id, version) in the view's order), each with its HTML.

    Rows are kept per version of their task (every checklist write counts it up) while "all" is
    unchanged: after a tick, a province page reads the ids and versions of its tasks, and reads
    and renders only the ticked one. Unit names are those of the plan's year.
    """
    everything, today = page_counters(ALL), clock.today()
    keys = {task_id: ("province-row", task_id, version, everything, today) for task_id, version in tasks}
    found = kept_pieces(keys) if everything is not None else {}
    made = _fresh_rows([task_id for task_id in keys if task_id not in found])
    if everything is not None:
        keep({keys[task_id]: row for task_id, row in made.items()})
    found.update(made)
    # A task the ids saw and the rows did not (removed meanwhile, on PostgreSQL) is left out.
    return [found[task_id] for task_id, _ in tasks if task_id in found]


def _fresh_rows(task_ids: list[int]) -> dict[int, KeptRow]:
    """Read and render these tasks' rows: three plain queries, whatever the number of rows.

    The view shows hundreds of rows; loading them as objects with their plans, units and users
    cost 40 ms a page, these columns cost a few.
    """
    if not task_ids:
        return {}
    found = run(ROWS, {"ids": task_ids}).all()
    item_counts = counts(task_ids)
    names = short_names({r.unit_id for r in found} | {r.changer_unit for r in found if r.changer_unit})
    macro = get_template_attribute("checklist/_province_row.html", "province_row")
    rows = [Row(r.id, r.unit_id, names[r.unit_id], r.short_title, r.done_at, r.changed_at,
                names.get(r.changer_unit, ""), *item_counts[r.id]) for r in found]
    # After a write that renews every row's key ("all"), most rows read the same: rendered once.
    return {row.id: KeptRow(row, kept_piece(("province-row-html", row), lambda row=row: macro(row))) for row in rows}


def province_context(kind: str | None, plan_id: int | None = None, state: str = "", sort: str = "") -> dict:
    """Return the tasks of one province plan (the latest unless asked) with counts, for the province view.

    One plan at a time keeps the page the same size whatever the number of years (B8, S3). Tasks
    can be filtered by state and sorted by who is behind (least done first, then most overdue).
    """
    plans = run(PLANS).all()
    plan_id = plan_id if any(p.id == plan_id for p in plans) else (plans[0].id if plans else None)
    if plan_id is not None:
        show_units_of_year(next(p.year for p in plans if p.id == plan_id))
    if kind in KIND_FILTERS:
        rows = _rows(run(TASKS_OF_KINDS, {"plan_id": plan_id, "kinds": list(KIND_FILTERS[kind])}).all())
    else:
        rows = _rows(run(TASKS_OF_PLAN, {"plan_id": plan_id}).all())
    done = total = late = 0
    for r in rows:
        done, total, late = done + r.row.done, total + r.row.total, late + r.row.late
    if state == "late":
        rows = [r for r in rows if r.row.late]
    elif state in ("open", "done"):
        rows = [r for r in rows if r.row.finished == (state == "done")]
    if sort == "behind":
        rows.sort(key=lambda r: (r.row.finished, r.row.done / (r.row.total or 1), -r.row.late))
    return {"rows": Markup("".join(r.html for r in rows)), "count": len(rows), "totals": (done, total, late), "kind": kind,
            "state": state if state in STATES else "", "sort": sort if sort in SORTS else "",
            "states": STATES, "sorts": SORTS, "kinds": KIND_FILTERS, "since": last_event_id(),
            "plans": plans, "plan_id": plan_id}


@bp.get("/province")
@access(Access.MEMBER)
@cached_page(shows=(CHECKLIST,))
def province():
    """Return the province view of one plan: every unit's tasks, done counts, overdue items, last change."""
    args = request.args
    return render_template(PAGE, **province_context(args.get("kind") or None, small_id(args.get("plan")),
                                                    args.get("state", ""), args.get("sort", "")))


@bp.get("/province/tasks/<id:task_id>")
@access(Access.MEMBER)
@cached_page(shared=True, shows=(CHECKLIST,))  # every open province page asks for the same row after a tick
def province_task(task_id: int):
    """Return one row of the province view (live refresh), or the whole view."""
    year = db.first_or_404(db.select(Plan.year).join(Assignment).join(Task).where(Task.id == task_id))
    if not wants_fragment():
        return render_template(PAGE, **province_context(None))
    show_units_of_year(year)
    return _rows(run(ONE_TASK, {"task_id": task_id}).all())[0].html
