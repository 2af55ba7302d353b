"""The task checklists: a unit's page, ticks and items, comments, the province view, the live stream.

Every write goes through a scoped getter that checks the object's own unit, records a trace row
and a LiveEvent in the same transaction, and answers htmx with only the changed fragment
(plain form posts get a redirect back to the checklist).
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from jinja2_fragments.flask import render_blocks
from sqlalchemy import case, func
from sqlalchemy.orm import joinedload, selectinload

from danvan.access import Access, access, can_write_for, is_read_only
from danvan import clock
from danvan.extensions import db
from danvan.orm import (
    Assignment,
    ChecklistItem,
    Plan,
    PlanStatus,
    Task,
    TaskComment,
    Unit,
    UnitKind,
    User,
    record_change,
    utcnow,
)
from danvan.orm.plan import assignment_coordinator
from danvan.plan import bp, live
from danvan.plan.forms import CommentForm, DoneForm, ItemForm, MoveForm, ToggleForm
from danvan.web import render_page

PAGE = "plan/checklist.html"
PROVINCE = "plan/province.html"
KIND_FILTERS = {
    "boards": (UnitKind.BOARD, UnitKind.OFFICE_CELL, UnitKind.OFFICE_UNION),
    "districts": (UnitKind.DISTRICT,),
    "affiliated": (UnitKind.AFFILIATED,),
}
TASK_PARTS = {"head": "task_head", "items": "item_list", "comments": "comments"}
# Templates show "Hoàn thành" by the same rule the reports count with.
bp.add_app_template_global(live.task_done, "task_done")


def _task_query():
    return db.select(Task).options(
        joinedload(Task.unit),
        joinedload(Task.assignment).options(
            joinedload(Assignment.plan), selectinload(Assignment.coordinating_units)
        ),
        joinedload(Task.changed_by).joinedload(User.unit),
        joinedload(Task.done_by),
    )


def can_change(task: Task) -> bool:
    """Return True if the logged-in account may change this task's checklist (its unit, admin)."""
    return can_write_for(current_user, task.unit_id)


def can_comment(task: Task) -> bool:
    """Return True for the task's own unit, admin, and the units that coordinate on it."""
    if can_change(task):
        return True
    return not is_read_only(current_user) and any(
        u.id == current_user.unit_id for u in task.assignment.coordinating_units
    )


def get_task(task_id: int, *, write: bool = False, comment: bool = False) -> Task:
    """Return a task any login may read; 403 if a write is asked by someone who may not make it."""
    task = db.first_or_404(_task_query().where(Task.id == task_id))
    if (write and not can_change(task)) or (comment and not can_comment(task)):
        abort(403)
    return task


def get_item(item_id: int, *, write: bool = False) -> ChecklistItem:
    """Return a live (not removed) item; 403 for a write by anyone but its task's unit or admin."""
    item = db.first_or_404(
        db.select(ChecklistItem)
        .where(ChecklistItem.id == item_id, ChecklistItem.removed_at.is_(None))
        .options(joinedload(ChecklistItem.ticked_by).joinedload(User.unit))
    )
    task = get_task(item.task_id, write=write)
    item.task = task
    return item


def _live_items(task_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    by_task: dict[int, list[ChecklistItem]] = {t: [] for t in task_ids}
    if task_ids:
        for item in db.session.scalars(
            db.select(ChecklistItem)
            .where(ChecklistItem.task_id.in_(task_ids), ChecklistItem.removed_at.is_(None))
            .order_by(ChecklistItem.position, ChecklistItem.id)
            .options(joinedload(ChecklistItem.ticked_by).joinedload(User.unit))
        ):
            by_task[item.task_id].append(item)
    return by_task


def _removed_items(task_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    by_task: dict[int, list[ChecklistItem]] = {t: [] for t in task_ids}
    if task_ids:
        for item in db.session.scalars(
            db.select(ChecklistItem)
            .where(ChecklistItem.task_id.in_(task_ids), ChecklistItem.removed_at.is_not(None))
            .order_by(ChecklistItem.removed_at.desc())
            .options(joinedload(ChecklistItem.removed_by).joinedload(User.unit))
        ):
            by_task[item.task_id].append(item)
    return by_task


def _comments(task_ids: list[int]) -> dict[int, list[TaskComment]]:
    by_task: dict[int, list[TaskComment]] = {t: [] for t in task_ids}
    if task_ids:
        for comment in db.session.scalars(
            db.select(TaskComment)
            .where(TaskComment.task_id.in_(task_ids))
            .order_by(TaskComment.created_at, TaskComment.id)
            .options(joinedload(TaskComment.unit), joinedload(TaskComment.user))
        ):
            by_task[comment.task_id].append(comment)
    return by_task


FORM_CLASSES = {"add": ItemForm, "done": DoneForm, "comment": CommentForm}


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
    context = {
        "items": _live_items(ids),
        "removed": _removed_items(ids),
        "comments": _comments(ids),
        "counts": live.counts(ids),
        "today": clock.today(),
        "can_change": can_change,
        "can_comment": can_comment,
        "forms": forms,
        "form_of": lambda kind, task_id: forms.get(f"{kind}-{task_id}", None) or make_form(kind, task_id, True),
        "oob": (),
        "editing": None,
    }
    context.update(extra)
    return context


def checklist_years(unit: Unit) -> list[tuple[int, bool]]:
    """Return (year, has an issued plan) for the years the unit has or helps on tasks, newest first."""
    helping_ids = db.select(assignment_coordinator.c.assignment_id).where(
        assignment_coordinator.c.unit_id == unit.id
    )
    rows = db.session.execute(
        db.select(Plan.year, func.max(case((Plan.status == PlanStatus.ISSUED, 1), else_=0)))
        .join(Assignment, Assignment.plan_id == Plan.id).join(Task)
        .where((Task.unit_id == unit.id) | Task.assignment_id.in_(helping_ids))
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
    order = (Plan.year.desc(), Assignment.position, Task.id)
    base = (_task_query().join(Task.assignment).join(Assignment.plan)
            .where(Plan.year == year).order_by(*order))
    tasks = db.session.scalars(base.where(Task.unit_id == unit.id)).unique().all()
    helping_ids = db.select(assignment_coordinator.c.assignment_id).where(
        assignment_coordinator.c.unit_id == unit.id
    )
    helping = db.session.scalars(
        base.where(Task.assignment_id.in_(helping_ids), Task.unit_id != unit.id)
    ).unique().all()
    context = task_context(list(tasks), **extra)
    context["counts"].update(live.counts(t.id for t in helping))
    context.update(unit=unit, tasks=tasks, helping=helping, since=live.last_event_id(),
                   page_id=live.new_page_id(), years=years, year=year)
    return context


def _unit_or_404(unit_id: int) -> Unit:
    return db.first_or_404(db.select(Unit).where(Unit.id == unit_id))


def _back(task: Task) -> Response:
    return redirect(url_for("plan.checklist", unit_id=task.unit_id, year=task.assignment.plan.year,
                            _anchor=f"task-{task.id}"))


def _respond(task: Task, target: str, *oob: str, **extra):
    """Answer a write: htmx gets the target block plus out-of-band blocks, else a redirect."""
    if not request.htmx:
        return _back(task)
    return render_blocks(PAGE, [target, *oob], task=task, **task_context([task], oob=oob, **extra))


def _invalid(task: Task, block: str, form_key: str, form):
    """Re-render a form with its errors: the block alone for htmx, else the whole page (200)."""
    if request.htmx:
        return render_blocks(PAGE, [block], task=task, **task_context([task], forms={form_key: form}))
    return render_template(PAGE, **checklist_context(task.unit, task.assignment.plan.year,
                                                       forms={form_key: form}))


@bp.get("/units/<id:unit_id>/checklist")
@access(Access.MEMBER)
def checklist(unit_id: int):
    """Return a unit's checklist page; every login reads it, only the unit (and admin) changes it."""
    year = request.args.get("year", type=int)
    return render_template(PAGE, **checklist_context(_unit_or_404(unit_id), year))


@bp.get("/checklist")
@access(Access.MEMBER)
def my_checklist():
    """Redirect to the logged-in unit's own checklist."""
    return redirect(url_for("plan.checklist", unit_id=current_user.unit_id))


@bp.get("/tasks/<id:task_id>")
@access(Access.MEMBER)
def task(task_id: int):
    """Return one piece of a task (head, items or comments) for a live refresh, or its unit's page."""
    found = get_task(task_id)
    block = TASK_PARTS.get(request.args.get("part", "head"))
    if block is None:
        abort(404)
    if not request.htmx:
        return render_template(PAGE, **checklist_context(found.unit, found.assignment.plan.year))
    return render_page(PAGE, block, task=found, **task_context([found]))


@bp.get("/items/<id:item_id>")
@access(Access.MEMBER)
def item(item_id: int):
    """Return one checklist item row (live refresh, cancel of an edit), or its unit's page."""
    found = get_item(item_id)
    if not request.htmx:
        return render_template(PAGE, **checklist_context(found.task.unit, found.task.assignment.plan.year))
    return render_page(PAGE, "item", item=found, task=found.task, **task_context([found.task]))


@bp.post("/tasks/<id:task_id>/items")
@access(Access.WRITER)
def add_item(task_id: int):
    """Add an item to a task of the user's unit; htmx gets a fresh form and the new list."""
    found = get_task(task_id, write=True)
    form = make_form("add", found.id)
    if not form.validate():
        return _invalid(found, "add_form", f"add-{found.id}", form)
    last = db.session.scalar(
        db.select(db.func.max(ChecklistItem.position)).where(ChecklistItem.task_id == found.id)
    )
    new = ChecklistItem(
        task_id=found.id, position=(last or 0) + 1, text=form.text.data, due_on=form.due_on.data,
        responsible=form.responsible.data or "", created_by_id=current_user.id,
    )
    db.session.add(new)
    db.session.flush()
    record_change(current_user, "add", "checklist_item", new.id, task_id=found.id, text=new.text)
    live.touch(found, current_user, "list")
    db.session.commit()
    return _respond(found, "add_form", "item_list", "counter")


@bp.post("/items/<id:item_id>/toggle")
@access(Access.WRITER)
def toggle(item_id: int):
    """Set an item done or not done (the form says which, so a double tap changes nothing twice)."""
    found = get_item(item_id, write=True)
    form = ToggleForm()
    if not form.validate():
        abort(400)
    want = form.done.data == "1"
    if want != found.done:
        now = utcnow()
        found.done_at = now if want else None
        found.done_by_id = current_user.id if want else None
        found.ticked_at, found.ticked_by_id = now, current_user.id
        record_change(current_user, "tick" if want else "untick", "checklist_item", found.id,
                      task_id=found.task_id)
        live.touch(found.task, current_user, "item", found.id)
        db.session.commit()
    return _respond(found.task, "item", "counter", item=found)


@bp.route("/items/<id:item_id>/edit", methods=["GET", "POST"])
@access(Access.WRITER)
def edit_item(item_id: int):
    """Show and save an item's edit form (text, due date, person; move up/down, remove)."""
    found = get_item(item_id, write=True)
    form = ItemForm(obj=found, prefix=f"edit{found.id}")
    if request.method == "POST":
        if form.validate():
            changed = {k: str(getattr(form, k).data) for k in ("text", "due_on", "responsible")
                       if getattr(form, k).data != getattr(found, k)}
            if changed:
                form.populate_obj(found)
                found.responsible = found.responsible or ""
                record_change(current_user, "edit", "checklist_item", found.id, task_id=found.task_id,
                              **changed)
                live.touch(found.task, current_user, "item", found.id)
                db.session.commit()
            return _respond(found.task, "item", "counter", item=found)
    if request.htmx:
        return render_blocks(PAGE, ["item"], item=found, task=found.task,
                             **task_context([found.task], editing=found, edit_form=form))
    return render_template(PAGE, **checklist_context(found.task.unit, found.task.assignment.plan.year,
                                                       editing=found, edit_form=form))


@bp.post("/items/<id:item_id>/move")
@access(Access.WRITER)
def move_item(item_id: int):
    """Move an item one place up or down in its task's list."""
    found = get_item(item_id, write=True)
    form = MoveForm()
    if not form.validate():
        abort(400)
    siblings = db.session.scalars(
        db.select(ChecklistItem)
        .where(ChecklistItem.task_id == found.task_id, ChecklistItem.removed_at.is_(None))
        .order_by(ChecklistItem.position, ChecklistItem.id)
    ).all()
    index = siblings.index(found)
    other = index - 1 if form.direction.data == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            sibling.position = position
        record_change(current_user, "move", "checklist_item", found.id, task_id=found.task_id,
                      direction=form.direction.data)
        live.touch(found.task, current_user, "list")
        db.session.commit()
    return _respond(found.task, "item_list", "counter")


@bp.post("/items/<id:item_id>/remove")
@access(Access.WRITER)
def remove_item(item_id: int):
    """Remove an item from the list; it stays in the task's history with who removed it and when."""
    found = get_item(item_id, write=True)
    found.removed_at, found.removed_by_id = utcnow(), current_user.id
    record_change(current_user, "remove", "checklist_item", found.id, task_id=found.task_id,
                  text=found.text)
    live.touch(found.task, current_user, "list")
    db.session.commit()
    return _respond(found.task, "item_list", "counter", "history")


@bp.post("/tasks/<id:task_id>/done")
@access(Access.WRITER)
def mark_done(task_id: int):
    """Mark a task of the user's unit done with a note, or reopen it."""
    found = get_task(task_id, write=True)
    form = make_form("done", found.id)
    if not form.validate():
        return _invalid(found, "done_form", f"done-{found.id}", form)
    if form.action.data == "done":
        found.done_at, found.done_by_id, found.done_note = utcnow(), current_user.id, form.note.data
    else:
        found.done_at, found.done_by_id = None, None
    record_change(current_user, form.action.data, "task", found.id, note=form.note.data or "")
    live.touch(found, current_user, "task")
    db.session.commit()
    return _respond(found, "done_form", "task_head")


@bp.post("/tasks/<id:task_id>/comments")
@access(Access.WRITER)
def comment(task_id: int):
    """Add a comment to a task: its own unit and the units coordinating on it may."""
    found = get_task(task_id, comment=True)
    form = make_form("comment", found.id)
    if not form.validate():
        return _invalid(found, "comment_form", f"comment-{found.id}", form)
    new = TaskComment(task_id=found.id, unit_id=current_user.unit_id, user_id=current_user.id,
                      text=form.text.data)
    db.session.add(new)
    db.session.flush()
    record_change(current_user, "comment", "task", found.id, comment_id=new.id)
    live.touch(found, current_user, "comments")
    db.session.commit()
    return _respond(found, "comment_form", "comments")


def province_context(kind: str | None, plan_id: int | None = None) -> dict:
    """Return the tasks of one province plan (the latest unless asked) with counts, for the province view.

    One plan at a time keeps the page the same size whatever the number of years (B8, S3).
    """
    plans = db.session.execute(
        db.select(Plan.id, Plan.year, Plan.code).where(Plan.parent_plan_id.is_(None))
        .order_by(Plan.year.desc(), Plan.id.desc())
    ).all()
    plan_id = plan_id if any(p.id == plan_id for p in plans) else (plans[0].id if plans else None)
    query = _task_query().join(Task.unit).join(Task.assignment).where(Assignment.plan_id == plan_id)
    if kind in KIND_FILTERS:
        query = query.where(Unit.kind.in_(KIND_FILTERS[kind]))
    tasks = db.session.scalars(
        query.order_by(Unit.position, Assignment.position, Task.id)
    ).unique().all()
    return {"tasks": tasks, "counts": live.counts(t.id for t in tasks), "kind": kind,
            "kinds": KIND_FILTERS, "since": live.last_event_id(), "page_id": live.new_page_id(),
            "plans": plans, "plan_id": plan_id}


@bp.get("/province")
@access(Access.MEMBER)
def province():
    """Return the province view of one plan: every unit's tasks, done counts, overdue items, last change."""
    kind = request.args.get("kind") or None
    return render_template(PROVINCE, **province_context(kind, _small_id(request.args.get("plan"))))


@bp.get("/province/tasks/<id:task_id>")
@access(Access.MEMBER)
def province_task(task_id: int):
    """Return one row of the province view (live refresh), or the whole view."""
    found = get_task(task_id)
    if not request.htmx:
        return render_template(PROVINCE, **province_context(None))
    return render_page(PROVINCE, "row", task=found, counts=live.counts([found.id]))


def _small_id(value: str | None) -> int:
    """Return a database id given as text, or 0 for anything else (never an overflow)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 18 else 0


@bp.get("/live")
@access(Access.MEMBER)
def live_stream():
    """Stream Server-Sent Events naming the checklist pieces that changed (a unit's page, or all)."""
    unit_id = _small_id(request.args.get("unit"))
    task_ids = None
    if unit_id:
        helping = db.select(assignment_coordinator.c.assignment_id).where(
            assignment_coordinator.c.unit_id == unit_id
        )
        task_ids = frozenset(db.session.scalars(
            db.select(Task.id).where((Task.unit_id == unit_id) | Task.assignment_id.in_(helping))
        ))
    after = max(_small_id(request.args.get("since")), _small_id(request.headers.get("Last-Event-ID")))
    # Hold no connection or transaction while streaming: each check opens its own.
    db.session.close()
    config = current_app.config
    body = live.stream(
        task_ids, after, origin=live.page_id(request.args.get("page")),
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
