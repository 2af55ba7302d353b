"""Loading tasks and items for the checklist pages: scoped getters and page contexts, fixed queries."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_login import current_user
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from sqlalchemy import case, func
from sqlalchemy.orm import joinedload, selectinload

from danvan import clock
from danvan.access import Rule, can_change_task, can_comment_task, require
from danvan.checklist.completion import counts
from danvan.checklist.events import last_event_id
from danvan.checklist.forms import CommentForm, DoneForm, ItemForm
from danvan.evidence.queries import LazyCounts, item_photo_count, item_photo_counts
from danvan.extensions import db
from danvan.orm import (
    Assignment,
    ChecklistItem,
    Plan,
    PlanStatus,
    Task,
    TaskComment,
    Unit,
    User,
    lock_row,
    show_units_of_year,
)
from danvan.orm.plan import assignment_coordinator
from danvan.pagecache import LOCK, everything_version, kept_pieces, new_page_id, with_token, without_token

FORM_CLASSES = {"add": ItemForm, "done": DoneForm, "comment": CommentForm}
PAGE = "checklist/unit.html"


def task_query():
    """Select tasks with what a checklist row shows: unit, assignment, plan, helpers, last change."""
    return db.select(Task).options(
        joinedload(Task.unit),
        joinedload(Task.assignment).options(
            joinedload(Assignment.plan), selectinload(Assignment.coordinating_units)
        ),
        joinedload(Task.changed_by).joinedload(User.unit),
        joinedload(Task.done_by),
    )


def helping_assignment_ids(unit_id: int):
    """Return the subquery of the assignments a unit coordinates on (phối hợp)."""
    return db.select(assignment_coordinator.c.assignment_id).where(assignment_coordinator.c.unit_id == unit_id)


def get_task(task_id: int, may: Rule | None = None) -> Task:
    """Return a task (every login reads checklists); 403 when `may` refuses the account.

    For a write (`may` given) the task is locked first: one write at a time per checklist, each
    reading what the one before it committed (a tick, a move, a double tap on a slow link).
    """
    if may is not None:
        lock_row(Task, task_id)
    task = db.first_or_404(task_query().where(Task.id == task_id))
    require(may, task)
    show_units_of_year(task.assignment.plan.year)
    return task


def get_item(item_id: int, may: Rule | None = None, *, lock: bool = True) -> ChecklistItem:
    """Return a live (not removed) item with its task; 403 when `may` refuses the account.

    `lock=False` for a write that does not rewrite the task's checklist (a photo of the item).
    """
    if may is not None and lock and (task_id := db.session.scalar(
            db.select(ChecklistItem.task_id).where(ChecklistItem.id == item_id))):
        lock_row(Task, task_id)
    item = db.first_or_404(
        db.select(ChecklistItem)
        .where(ChecklistItem.id == item_id, ChecklistItem.removed_at.is_(None))
        .options(joinedload(ChecklistItem.ticked_by).joinedload(User.unit))
    )
    item.task = get_task(item.task_id)
    require(may, item)
    return item


def get_unit(unit_id: int) -> Unit:
    """Return a unit whose checklist every login may read, or 404."""
    return db.first_or_404(db.select(Unit).where(Unit.id == unit_id))


class ByTask(dict):
    """{task id: rows}, read at the first look-up: a fragment that shows no list (the row of a
    tick) costs no query for it, a page that shows them costs one query for all its tasks."""

    def __init__(self, load: Callable[[list[int]], dict[int, list]], task_ids: list[int]):
        super().__init__()
        self._load, self._task_ids = load, task_ids

    def __missing__(self, task_id: int) -> list:
        if self._load is None:
            raise KeyError(task_id)
        self.update(self._load(self._task_ids))
        self._load = None
        return self[task_id]


def _by_task(task_ids: list[int], query) -> dict[int, list]:
    grouped: dict[int, list] = {t: [] for t in task_ids}
    if task_ids:
        for row in db.session.scalars(query):
            grouped[row.task_id].append(row)
    return grouped


def _live_items(task_ids: list[int], photos: LazyCounts) -> dict[int, list[ChecklistItem]]:
    """The tasks' items; their photo counts come in the same query (a page costs no more for them)."""
    grouped: dict[int, list] = {t: [] for t in task_ids}
    counted: dict[int, int] = {}
    if task_ids:
        for item, n in db.session.execute(
                db.select(ChecklistItem, item_photo_count())
                .where(ChecklistItem.task_id.in_(task_ids), ChecklistItem.removed_at.is_(None))
                .order_by(ChecklistItem.position, ChecklistItem.id)
                .options(joinedload(ChecklistItem.ticked_by).joinedload(User.unit))):
            grouped[item.task_id].append(item)
            counted[item.id] = n
    photos.fill(counted)
    return grouped


def _removed_items(task_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    return _by_task(task_ids, db.select(ChecklistItem)
                    .where(ChecklistItem.task_id.in_(task_ids), ChecklistItem.removed_at.is_not(None))
                    .order_by(ChecklistItem.removed_at.desc())
                    .options(joinedload(ChecklistItem.removed_by).joinedload(User.unit)))


def _comments(task_ids: list[int]) -> dict[int, list[TaskComment]]:
    return _by_task(task_ids, db.select(TaskComment)
                    .where(TaskComment.task_id.in_(task_ids))
                    .order_by(TaskComment.created_at, TaskComment.id)
                    .options(joinedload(TaskComment.unit), joinedload(TaskComment.user)))


def make_form(kind: str, task_id: int, blank: bool = False):
    """Return the form of one kind for one task; its field names carry the task id (unique ids)."""
    form_class = FORM_CLASSES[kind]
    if blank:
        return form_class(formdata=None, prefix=f"{kind}{task_id}")
    return form_class(prefix=f"{kind}{task_id}")


def task_context(tasks: list[Task], **extra) -> dict:
    """Return what the checklist template needs for these tasks, in a fixed number of queries."""
    ids = [t.id for t in tasks]
    forms = extra.pop("forms", {})
    # A row alone (a tick) counts its photos in a query of their own; a list counts them with its items.
    photos = item_photo_counts(ids)
    context = {
        "items": ByTask(lambda task_ids: _live_items(task_ids, photos), ids),
        "removed": ByTask(_removed_items, ids),
        "comments": ByTask(_comments, ids),
        "photos": photos,
        "counts": counts(ids),
        "today": clock.today(),
        "can_change": lambda task: can_change_task(current_user, task),
        "can_comment": lambda task: can_comment_task(current_user, task),
        "forms": forms,
        "form_of": lambda kind, task_id: forms.get(f"{kind}-{task_id}", None) or make_form(kind, task_id, True),
        "oob": (),
        "editing": None,
    }
    context.update(extra)
    context["item_row"] = _item_rows(context)
    return context


def _item_rows(context: dict) -> Callable[[object, Task], Markup]:
    """Return the template's `item_row(item, task)`: an item's row, rendered once per process for
    each distinct row (its key is everything the row shows, so nothing is ever stale) with the
    reader's CSRF token put in. A row being edited is rendered for this answer alone."""
    store, htmx = kept_pieces("checklist-item"), bool(request.htmx)

    def item_row(item, task: Task) -> Markup:
        editing = context["editing"]
        if store is None or (editing is not None and editing.id == item.id):
            return Markup(render_block(PAGE, "item", item=item, task=task, **context))
        by = item.ticked_by
        key = (item.id, item.text, item.due_on, item.responsible, item.done, item.ticked_at,
               by and by.unit.short_name, by and by.display_name, context["photos"][item.id],
               not item.done and item.due_on is not None and item.due_on < context["today"],
               htmx, context["can_change"](task))
        with LOCK:
            html = store.get(key)
        if html is None:
            html = without_token(render_block(PAGE, "item", item=item, task=task, **context))
            with LOCK:
                store[key] = html
        return with_token(html)

    return item_row


def checklist_years(unit: Unit) -> list[tuple[int, bool]]:
    """Return (year, has an issued plan) for the years the unit has or helps on tasks, newest first."""
    rows = db.session.execute(
        db.select(Plan.year, func.max(case((Plan.status == PlanStatus.ISSUED, 1), else_=0)))
        .join(Assignment, Assignment.plan_id == Plan.id).join(Task)
        .where((Task.unit_id == unit.id) | Task.assignment_id.in_(helping_assignment_ids(unit.id)))
        .group_by(Plan.year).order_by(Plan.year.desc())
    ).all()
    return [(year, bool(issued)) for year, issued in rows]


def checklist_context(unit: Unit, year: int | None = None, **extra) -> dict:
    """Return a unit's checklist page for one plan year (the newest by default): its tasks, and
    the tasks it helps on. Older years stay one link away, so the page does not grow each year."""
    known = checklist_years(unit)
    years = [y for y, _issued in known]
    if year not in years:
        # The newest year whose plan is issued: a draft plan's tasks are not work yet.
        year = next((y for y, issued in known if issued), years[0] if years else None)
    if year is not None:
        show_units_of_year(year)
    base = (task_query().join(Task.assignment).join(Assignment.plan)
            .where(Plan.year == year).order_by(Plan.year.desc(), Assignment.position, Task.id))
    tasks = db.session.scalars(base.where(Task.unit_id == unit.id)).unique().all()
    helping = db.session.scalars(
        base.where(Task.assignment_id.in_(helping_assignment_ids(unit.id)), Task.unit_id != unit.id)
    ).unique().all()
    return {"sections": task_sections(list(tasks), **extra), "counts": counts(t.id for t in helping),
            "unit": unit, "tasks": tasks, "helping": helping, "since": last_event_id(),
            "page_id": new_page_id(), "years": years, "year": year, "oob": (),
            "can_change": lambda task: can_change_task(current_user, task)}


def task_sections(tasks: list[Task], **extra) -> dict[int, Markup]:
    """Return each task's section of the checklist page (head, items, forms, history, comments).

    A section is kept per version of its task (every checklist write counts it up) and what the
    reader may do there; a CSRF token in it is the reader's own, put in when it is sent. After a
    tick the page reads and renders the ticked task's section only. A section showing a form
    with errors or an item being edited (`extra`) is rendered for this answer alone.
    """
    everything = everything_version()
    store = kept_pieces("checklist-section") if everything is not None and not extra else None
    today, htmx = clock.today(), bool(request.htmx)
    keys = {task.id: (task.id, task.version, everything, today, htmx, can_change_task(current_user, task),
                      can_comment_task(current_user, task)) for task in tasks}
    sections = {}
    if store is not None:
        with LOCK:
            sections = {task_id: kept for task_id, key in keys.items() if (kept := store.get(key)) is not None}
    missing = [task for task in tasks if task.id not in sections]
    if missing:
        context = task_context(missing, **extra)
        for task in missing:
            sections[task.id] = without_token(render_block(PAGE, "task_section", task=task, **context))
            if store is not None:
                with LOCK:
                    store[keys[task.id]] = sections[task.id]
    return {task_id: with_token(html) for task_id, html in sections.items()}
