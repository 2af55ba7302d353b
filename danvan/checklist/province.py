"""The province checklist: every unit's tasks of one province plan, with counts and last change."""

from __future__ import annotations

from flask import render_template, request

from danvan.access import Access, access
from danvan.checklist import bp
from danvan.checklist.completion import counts, task_done
from danvan.checklist.events import last_event_id
from danvan.checklist.queries import get_task, task_query
from danvan.extensions import db
from danvan.pagecache import cached_page, new_page_id
from danvan.orm import Assignment, Plan, Task, Unit, UnitKind, show_units_of_year
from danvan.text import small_id
from danvan.web import render_page

PAGE = "checklist/province.html"
KIND_FILTERS = {
    "boards": (UnitKind.BOARD, UnitKind.OFFICE_CELL, UnitKind.OFFICE_UNION),
    "districts": (UnitKind.DISTRICT, UnitKind.COMMUNE),
    "affiliated": (UnitKind.AFFILIATED, UnitKind.GRASSROOTS),
}


STATES = {"late": "Có việc quá hạn", "open": "Chưa xong", "done": "Đã xong"}
SORTS = {"": "Theo tổ chức", "behind": "Chậm nhất trước"}


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
    query = task_query().join(Task.unit).join(Task.assignment).where(Assignment.plan_id == plan_id)
    if kind in KIND_FILTERS:
        query = query.where(Unit.kind.in_(KIND_FILTERS[kind]))
    tasks = db.session.scalars(
        query.order_by(Unit.position, Assignment.position, Task.id)
    ).unique().all()
    item_counts = counts(t.id for t in tasks)

    def finished(task) -> bool:
        done, total, _late = item_counts[task.id]
        return task_done(task.done_at, done, total)

    if state == "late":
        tasks = [t for t in tasks if item_counts[t.id][2]]
    elif state in ("open", "done"):
        tasks = [t for t in tasks if finished(t) == (state == "done")]
    if sort == "behind":
        tasks.sort(key=lambda t: (finished(t), item_counts[t.id][0] / (item_counts[t.id][1] or 1),
                                  -item_counts[t.id][2]))
    return {"tasks": tasks, "counts": item_counts, "kind": kind, "state": state if state in STATES else "",
            "sort": sort if sort in SORTS else "", "states": STATES, "sorts": SORTS,
            "kinds": KIND_FILTERS, "since": last_event_id(), "page_id": new_page_id(),
            "plans": plans, "plan_id": plan_id}


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
    found = get_task(task_id)
    if not request.htmx:
        return render_template(PAGE, **province_context(None))
    return render_page(PAGE, "row", task=found, counts=counts([found.id]))
