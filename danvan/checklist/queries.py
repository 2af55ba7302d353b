"""Loading tasks and items for the checklist pages: scoped getters and page contexts, fixed queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import request
from flask_login import current_user
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from danvan import clock
from danvan.access import Rule, can_change_task, can_comment_on, can_comment_task, require
from danvan.checklist.completion import counts
from danvan.checklist.events import last_event_id
from danvan.checklist.forms import CommentForm, DoneForm, ItemForm
from danvan.database import run
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
from danvan.orm.org import short_name_then
from danvan.orm.plan import assignment_coordinator
from danvan.pagecache import (
    ALL,
    keep,
    kept_piece,
    kept_pieces,
    page_counters,
    with_token,
    without_token,
)

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


@dataclass(frozen=True)
class UnitName:
    short_name: str


@dataclass(frozen=True)
class Ticker:
    """Who ticked last, as the row shows them: the unit's short name of the plan's year."""

    display_name: str
    unit: UnitName


@dataclass(frozen=True)
class TaskRow:
    """What a tick's answer shows of its task: its done mark and its counts (done, items, late);
    and the units coordinating on it, whose pages show it too (a tick's live event reaches them)."""

    id: int
    unit_id: int
    assignment_id: int
    year: int
    done_at: datetime | None
    counts: tuple[int, int, int]
    helper_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ItemRow:
    """A live checklist item as the checklist row shows it (the template's `item`), read as plain
    columns: by the page (`task` None: the page has its tasks) and by a tick (`task` for its rule
    and its answer; `ticked_by` read only for the answer, not to check the tick)."""

    id: int
    task: TaskRow | None
    text: str
    due_on: date | None
    responsible: str
    done_at: datetime | None
    ticked_at: datetime | None
    ticked_by_id: int | None
    ticked_by: Ticker | None
    photos: int

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def task_id(self) -> int:
        return self.task.id


# Built once: a checklist page loads the tasks of the sections it renders with it, with what a
# section and a head show (whether the reader may comment it knows already: `PageTask`).
TASKS_BY_ID = (db.select(Task).where(Task.id.in_(bindparam("ids", expanding=True)))
               .options(joinedload(Task.unit), joinedload(Task.assignment), joinedload(Task.done_by)))


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
    """Return a unit whose checklist every login may read, or 404 (a unit's own is in hand already:
    its login's lookup loaded it)."""
    return db.get_or_404(Unit, unit_id)


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


_TICKER, _TICKER_UNIT = aliased(User), aliased(Unit)
_REMOVER, _REMOVER_UNIT = aliased(User), aliased(Unit)
# Built once: a page's sections read their items, removed items and comments with these, as plain
# columns (loading them as objects cost a re-rendered section more than rendering it).
LIVE_ITEMS = (
    select(ChecklistItem.id, ChecklistItem.task_id, ChecklistItem.text, ChecklistItem.due_on,
           ChecklistItem.responsible, ChecklistItem.done_at, ChecklistItem.ticked_at, ChecklistItem.ticked_by_id,
           _TICKER.full_name, _TICKER.username, _TICKER_UNIT.id.label("ticker_unit_id"),
           _TICKER_UNIT._short_name.label("ticker_unit"), item_photo_count().label("photos"))
    .outerjoin(_TICKER, _TICKER.id == ChecklistItem.ticked_by_id)
    .outerjoin(_TICKER_UNIT, _TICKER_UNIT.id == _TICKER.unit_id)
    .where(ChecklistItem.task_id.in_(bindparam("ids", expanding=True)), ChecklistItem.removed_at.is_(None))
    .order_by(ChecklistItem.position, ChecklistItem.id)
)
REMOVED_ITEMS = (
    select(ChecklistItem.task_id, ChecklistItem.text, ChecklistItem.removed_at,
           _REMOVER.full_name, _REMOVER.username, _REMOVER_UNIT.id.label("unit_id"),
           _REMOVER_UNIT._short_name.label("short_name"))
    .join(_REMOVER, _REMOVER.id == ChecklistItem.removed_by_id)
    .join(_REMOVER_UNIT, _REMOVER_UNIT.id == _REMOVER.unit_id)
    .where(ChecklistItem.task_id.in_(bindparam("ids", expanding=True)), ChecklistItem.removed_at.is_not(None))
    .order_by(ChecklistItem.removed_at.desc())
)
COMMENTS = (
    select(TaskComment.task_id, TaskComment.text, TaskComment.created_at, User.full_name, User.username,
           Unit.id.label("unit_id"), Unit._short_name.label("short_name"))
    .join(User, User.id == TaskComment.user_id)
    .join(Unit, Unit.id == TaskComment.unit_id)
    .where(TaskComment.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(TaskComment.created_at, TaskComment.id)
)


def _unit_name(unit_id: int, short_name_now: str) -> UnitName:
    """A unit's short name as the request's day has it (the plan's year on a checklist)."""
    return UnitName(short_name_then(unit_id, short_name_now))


def _live_items(task_ids: list[int], photos: LazyCounts) -> dict[int, list[ItemRow]]:
    """The tasks' items as plain rows; their photo counts come in the same query (a page costs
    no more for them). Who ticked is named as the request's day has units (the plan's year)."""
    grouped: dict[int, list] = {t: [] for t in task_ids}
    counted: dict[int, int] = {}
    if task_ids:
        for r in run(LIVE_ITEMS, {"ids": task_ids}):
            ticker = None
            if r.ticked_by_id is not None:
                ticker = Ticker(r.full_name or r.username, _unit_name(r.ticker_unit_id, r.ticker_unit))
            grouped[r.task_id].append(ItemRow(r.id, None, r.text, r.due_on, r.responsible, r.done_at, r.ticked_at,
                                              r.ticked_by_id, ticker, r.photos))
            counted[r.id] = r.photos
    photos.fill(counted)
    return grouped


@dataclass(frozen=True)
class RemovedRow:
    """An item taken off a task's checklist, as its history shows it."""

    text: str
    removed_by: Ticker
    removed_at: datetime


@dataclass(frozen=True)
class CommentRow:
    """A remark on a task, as the task's section shows it: the unit it speaks for, and who wrote it."""

    unit: UnitName
    author: str
    created_at: datetime
    text: str


def _removed_items(task_ids: list[int]) -> dict[int, list[RemovedRow]]:
    grouped: dict[int, list] = {t: [] for t in task_ids}
    if task_ids:
        for r in run(REMOVED_ITEMS, {"ids": task_ids}):
            remover = Ticker(r.full_name or r.username, _unit_name(r.unit_id, r.short_name))
            grouped[r.task_id].append(RemovedRow(r.text, remover, r.removed_at))
    return grouped


def _comments(task_ids: list[int]) -> dict[int, list[CommentRow]]:
    grouped: dict[int, list] = {t: [] for t in task_ids}
    if task_ids:
        for r in run(COMMENTS, {"ids": task_ids}):
            unit, author = _unit_name(r.unit_id, r.short_name), r.full_name or r.username
            grouped[r.task_id].append(CommentRow(unit, author, r.created_at, r.text))
    return grouped


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
    reader = current_user._get_current_object()  # asked once per row: not through the proxy each time
    context = {
        "items": ByTask(lambda task_ids: _live_items(task_ids, photos), ids),
        "removed": ByTask(_removed_items, ids),
        "comments": ByTask(_comments, ids),
        "photos": photos,
        "counts": counts(ids),
        "today": clock.today(),
        "can_change": lambda task: can_change_task(reader, task),
        "can_comment": lambda task: can_comment_task(reader, task),
        "forms": forms,
        "form_of": lambda kind, task_id: forms.get(f"{kind}-{task_id}", None) or make_form(kind, task_id, True),
        "oob": (),
        "editing": None,
    }
    context.update(extra)
    context["item_row"] = _item_rows(context)
    context["task_form"] = _task_forms(context)
    return context


FORM_BLOCKS = {"add_form": "add", "done_form": "done", "comment_form": "comment"}


def _task_forms(context: dict) -> Callable[[str, Task], Markup]:
    """Return the template's `task_form(block, task)`: a task's form to add an item, mark it done
    or comment, kept while blank (its HTML differs by the task and, marking done, whether it is
    done) with the reader's CSRF token put in; a form with errors is this answer's alone."""

    def task_form(block: str, task: Task) -> Markup:
        if f"{FORM_BLOCKS[block]}-{task.id}" in context["forms"]:
            return Markup(render_block(PAGE, block, task=task, **context))
        return with_token(kept_piece(("checklist-form", block, task.id, task.done_at is None),
                                     lambda: without_token(render_block(PAGE, block, task=task, **context))))

    return task_form


def _item_rows(context: dict) -> Callable[[object, Task], Markup]:
    """Return the template's `item_row(item, task)`: an item's row, kept by everything it shows
    (so never stale) with the reader's CSRF token put in. A row being edited is this answer's alone."""
    htmx = bool(request.htmx)

    def item_row(item, task: Task) -> Markup:
        editing = context["editing"]
        if editing is not None and editing.id == item.id:
            return Markup(render_block(PAGE, "item", item=item, task=task, **context))
        by = item.ticked_by
        key = ("checklist-item", item.id, item.text, item.due_on, item.responsible, item.done, item.ticked_at,
               by and by.unit.short_name, by and by.display_name, context["photos"][item.id],
               not item.done and item.due_on is not None and item.due_on < context["today"],
               htmx, context["can_change"](task))
        return with_token(kept_piece(key, lambda: without_token(
            render_block(PAGE, "item", item=item, task=task, **context))))

    return item_row


@dataclass(frozen=True)
class PageTask:
    """A task as the checklist page first reads it: enough to key its kept section and to know
    what the reader may do there (the rules of danvan.access take it as they take a Task)."""

    id: int
    unit_id: int
    version: int
    reader_coordinates: bool  # the reader's unit coordinates on the task's assignment


# Built once: the page reads its years and its tasks with these: the unit's own and those it helps on.
_OWN_OR_HELPED = ((Task.unit_id == bindparam("unit_id"))
                  | Task.assignment_id.in_(helping_assignment_ids(bindparam("unit_id"))))
YEARS = (select(Plan.year, func.max(case((Plan.status == PlanStatus.ISSUED, 1), else_=0)))
         .join(Assignment, Assignment.plan_id == Plan.id).join(Task)
         .where(_OWN_OR_HELPED).group_by(Plan.year).order_by(Plan.year.desc()))
PAGE_TASKS = (select(Task.id, Task.unit_id, Task.version,
                     Task.assignment_id.in_(helping_assignment_ids(bindparam("reader_unit")))
                     .label("reader_coordinates"))
              .join(Assignment, Assignment.id == Task.assignment_id).join(Plan, Plan.id == Assignment.plan_id)
              .where(Plan.year == bindparam("year"), _OWN_OR_HELPED)
              .order_by(Assignment.position, Task.id))


def checklist_years(unit: Unit) -> list[tuple[int, bool]]:
    """Return (year, has an issued plan) for the years the unit has or helps on tasks, newest first."""
    return [(year, bool(issued)) for year, issued in run(YEARS, {"unit_id": unit.id})]


def checklist_context(unit: Unit, year: int | None = None, **extra) -> dict:
    """Return a unit's checklist page for one plan year (the newest by default): its tasks, and
    the tasks it helps on. Older years stay one link away, so the page does not grow each year.

    Its tasks come as plain columns; only a section not kept (`task_sections`) loads its task."""
    known = checklist_years(unit)
    years = [y for y, _issued in known]
    if year not in years:
        # The newest year whose plan is issued: a draft plan's tasks are not work yet.
        year = next((y for y, issued in known if issued), years[0] if years else None)
    if year is not None:
        show_units_of_year(year)
    rows = run(PAGE_TASKS, {"year": year, "unit_id": unit.id, "reader_unit": current_user.unit_id}).all()
    tasks = [PageTask(r.id, r.unit_id, r.version, bool(r.reader_coordinates)) for r in rows if r.unit_id == unit.id]
    sections, helping, context = task_sections(tasks, [r.id for r in rows if r.unit_id != unit.id], **extra)
    return {"sections": sections, "counts": context["counts"], "unit": unit, "tasks": tasks, "helping": helping,
            "since": last_event_id(), "years": years, "year": year, "oob": (),
            "can_change": context["can_change"]}


def _loaded(task_ids: list[int]) -> dict[int, Task]:
    """Return {id: task} with what their sections show, loaded at once (none gone meanwhile)."""
    if not task_ids:
        return {}
    return {t.id: t for t in db.session.scalars(TASKS_BY_ID, {"ids": task_ids}).unique()}


def task_sections(tasks: list[PageTask], helping_ids: list[int], **extra) -> tuple[dict[int, Markup], list[Task], dict]:
    """Return each task's section of the checklist page (head, items, forms, history, comments),
    the tasks it helps on (`helping_ids`, shown by their heads) and the context they were rendered with.

    A section is kept per version of its task (every checklist write counts it up) and what the
    reader may do there; a CSRF token in it is the reader's own, put in when it is sent. After a
    tick the page loads and renders the ticked task's section only. A section showing a form
    with errors or an item being edited (`extra`) is rendered for this answer alone.
    """
    everything, today, htmx = page_counters(ALL), clock.today(), bool(request.htmx)
    may_comment = {task.id: can_comment_on(current_user, task.unit_id, task.reader_coordinates) for task in tasks}
    keys = {task.id: ("checklist-section", task.id, task.version, everything, today, htmx,
                      can_change_task(current_user, task), may_comment[task.id]) for task in tasks}
    keeping = everything is not None and not extra  # a form with errors, an item being edited: not kept
    sections = kept_pieces(keys) if keeping else {}
    # The sections to render and the heads of the tasks it helps on, loaded (and counted) at once.
    missing = [task.id for task in tasks if task.id not in sections]
    loaded = _loaded(missing + helping_ids)
    rendered = [loaded[task_id] for task_id in missing if task_id in loaded]
    helping = [loaded[task_id] for task_id in helping_ids if task_id in loaded]
    # Only sections ask it; the heads of the tasks it helps on do not.
    context = task_context(rendered + helping, can_comment=lambda task: may_comment.get(task.id, False), **extra)
    made = {task.id: without_token(render_block(PAGE, "task_section", task=task, **context)) for task in rendered}
    if keeping:
        keep({keys[task_id]: html for task_id, html in made.items()})
    sections.update(made)
    return {task_id: with_token(html) for task_id, html in sections.items()}, helping, context
