"""The province checklist: every unit's tasks of one province plan, with counts and last change."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from cachetools import LRUCache
from flask import get_template_attribute, render_template, request
from markupsafe import Markup
from sqlalchemy.orm import aliased

from danvan.access import Access, access
from danvan.checklist import bp
from danvan.checklist.completion import counts, task_done
from danvan.checklist.events import last_event_id
from danvan.extensions import db
from danvan.orm import Assignment, Plan, Task, Unit, UnitKind, User, short_names, show_units_of_year
from danvan.pagecache import cached_page, new_page_id
from danvan.text import small_id
from danvan.web import wants_fragment

PAGE = "checklist/province.html"
KIND_FILTERS = {
    "boards": (UnitKind.BOARD, UnitKind.OFFICE_CELL, UnitKind.OFFICE_UNION),
    "districts": (UnitKind.DISTRICT, UnitKind.COMMUNE),
    "affiliated": (UnitKind.AFFILIATED, UnitKind.GRASSROOTS),
}


# Rendered rows by what they show: a row that changed is a new key, so nothing is ever stale.
KEPT_ROWS: LRUCache = LRUCache(maxsize=20_000)
ROWS_LOCK = threading.Lock()  # an LRU reorders itself on every read

STATES = {"late": "Có việc quá hạn", "open": "Chưa xong", "done": "Đã xong"}
SORTS = {"": "Theo tổ chức", "behind": "Chậm nhất trước"}


@dataclass(frozen=True)
class Row:
    """One task of the province view: what its row shows, nothing more (a kept row's key)."""

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


def _rows(where) -> list[Row]:
    """Return the rows of the tasks `where` selects, in the view's order: three plain queries.

    The view shows hundreds of rows; loading them as objects with their plans, units and users
    cost 40 ms a page, these columns cost a few. Unit names are those of the plan's year.
    """
    changer = aliased(User)
    found = db.session.execute(
        db.select(Task.id, Task.unit_id, Assignment.short_title, Task.done_at, Task.changed_at,
                  changer.unit_id.label("changer_unit"))
        .join(Assignment, Assignment.id == Task.assignment_id).join(Unit, Unit.id == Task.unit_id)
        .outerjoin(changer, changer.id == Task.changed_by_id)
        .where(where).order_by(Unit.position, Assignment.position, Task.id)).all()
    item_counts = counts(r.id for r in found)
    names = short_names({r.unit_id for r in found} | {r.changer_unit for r in found if r.changer_unit})
    return [Row(r.id, r.unit_id, names[r.unit_id], r.short_title, r.done_at, r.changed_at,
                names.get(r.changer_unit, ""), *item_counts[r.id]) for r in found]


def render_row(row: Row) -> Markup:
    """Return a row's HTML, rendered once per process for each distinct row (its key is all it shows)."""
    with ROWS_LOCK:
        html = KEPT_ROWS.get(row)
    if html is None:
        html = get_template_attribute("checklist/_province_row.html", "province_row")(row)
        with ROWS_LOCK:
            KEPT_ROWS[row] = html
    return html


def province_context(kind: str | None, plan_id: int | None = None, state: str = "", sort: str = "") -> dict:
    """Return the tasks of one province plan (the latest unless asked) with counts, for the province view.

    One plan at a time keeps the page the same size whatever the number of years (B8, S3). Tasks
    can be filtered by state and sorted by who is behind (least done first, then most overdue).
    """
    plans = db.session.execute(
        db.select(Plan.id, Plan.year, Plan.code).where(Plan.parent_plan_id.is_(None))
        .order_by(Plan.year.desc(), Plan.id.desc())
    ).all()
    plan_id = plan_id if any(p.id == plan_id for p in plans) else (plans[0].id if plans else None)
    if plan_id is not None:
        show_units_of_year(next(p.year for p in plans if p.id == plan_id))
    where = Assignment.plan_id == plan_id
    if kind in KIND_FILTERS:
        where &= Unit.kind.in_(KIND_FILTERS[kind])
    rows = _rows(where)
    totals = (sum(r.done for r in rows), sum(r.total for r in rows), sum(r.late for r in rows))
    if state == "late":
        rows = [r for r in rows if r.late]
    elif state in ("open", "done"):
        rows = [r for r in rows if r.finished == (state == "done")]
    if sort == "behind":
        rows.sort(key=lambda r: (r.finished, r.done / (r.total or 1), -r.late))
    return {"rows": [render_row(r) for r in rows], "count": len(rows), "totals": totals, "kind": kind,
            "state": state if state in STATES else "", "sort": sort if sort in SORTS else "",
            "states": STATES, "sorts": SORTS, "kinds": KIND_FILTERS, "since": last_event_id(),
            "page_id": new_page_id(), "plans": plans, "plan_id": plan_id}


@bp.get("/province")
@access(Access.MEMBER)
@cached_page()
def province():
    """Return the province view of one plan: every unit's tasks, done counts, overdue items, last change."""
    args = request.args
    return render_template(PAGE, **province_context(args.get("kind") or None, small_id(args.get("plan")),
                                                    args.get("state", ""), args.get("sort", "")))


@bp.get("/province/tasks/<id:task_id>")
@access(Access.MEMBER)
@cached_page(shared=True)  # every open province page asks for the same row after a tick
def province_task(task_id: int):
    """Return one row of the province view (live refresh), or the whole view."""
    year = db.first_or_404(db.select(Plan.year).join(Assignment).join(Task).where(Task.id == task_id))
    if not wants_fragment():
        return render_template(PAGE, **province_context(None))
    show_units_of_year(year)
    return render_row(_rows(Task.id == task_id)[0])
