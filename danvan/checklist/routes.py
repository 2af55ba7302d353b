"""A unit's checklist page and its writes: items, ticks, moves, removals, done marks, comments.

Every write goes through a scoped getter with its rule (danvan/access.py), records a trace row and
a LiveEvent in the same transaction, and answers htmx with only the changed fragment (plain
form posts get a redirect back to the checklist).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_blocks

from danvan import clock
from danvan.access import Access, access, can_change_item, can_change_task, can_comment_task
from danvan.checklist import bp
from danvan.checklist.events import announce
from danvan.checklist.forms import ItemForm, MoveForm
from danvan.checklist.queries import (
    checklist_context,
    get_item,
    get_task,
    get_unit,
    make_form,
    task_context,
)
from danvan.checklist.ticks import get_tick_row, set_done
from danvan.extensions import db
from danvan.orm import ChecklistItem, Task, TaskComment, record_change, utcnow
from danvan.pagecache import CHECKLIST, cached_page
from danvan.web import after_write, form_error, render_page

PAGE = "checklist/unit.html"
TASK_PARTS = {"head": "task_head", "items": "item_list", "comments": "comments"}


def _url(task: Task) -> str:
    return url_for("checklist.unit", unit_id=task.unit_id, year=task.assignment.plan.year,
                   _anchor=f"task-{task.id}")


def _written(task: Task, target: str, *oob: str, **extra):
    """Answer a write: htmx gets the target block plus out-of-band blocks, else a redirect."""
    return after_write(_url(task), fragment=lambda: render_blocks(
        PAGE, [target, *oob], task=task, **task_context([task], oob=oob, **extra)))


def _refused(task: Task, block: str, form_key: str, form):
    """Re-render a form with its errors: the block alone for htmx, else the whole page."""
    return form_error(PAGE, block, task=task, **task_context([task], forms={form_key: form}),
                      whole_page=lambda: checklist_context(task.unit, task.assignment.plan.year,
                                                           forms={form_key: form}))


def _whole_page(task: Task, **extra) -> str:
    return render_template(PAGE, **checklist_context(task.unit, task.assignment.plan.year, **extra))


@bp.get("/units/<id:unit_id>/checklist")
@access(Access.MEMBER)
# Its tasks, and those it helps on (their writes bump it too); no progress, no report.
@cached_page(shows=(CHECKLIST,), units=lambda unit_id: [unit_id])
def unit(unit_id: int):
    """Return a unit's checklist page; every login reads it, only the unit (and admin) changes it."""
    year = request.args.get("year", type=int)
    return render_template(PAGE, **checklist_context(get_unit(unit_id), year))


@bp.get("/checklist")
@access(Access.MEMBER)
def mine():
    """Redirect to the logged-in unit's own checklist."""
    return redirect(url_for("checklist.unit", unit_id=current_user.unit_id))


@bp.get("/tasks/<id:task_id>")
@access(Access.MEMBER)
def task(task_id: int):
    """Return one piece of a task (head, items or comments) for a live refresh, or its unit's page."""
    found = get_task(task_id)
    block = TASK_PARTS.get(request.args.get("part", "head"))
    if block is None:
        abort(404)
    if not request.htmx:
        return _whole_page(found)
    return render_page(PAGE, block, task=found, **task_context([found]))


@bp.get("/items/<id:item_id>")
@access(Access.MEMBER)
def item(item_id: int):
    """Return one checklist item row (live refresh, cancel of an edit), or its unit's page."""
    found = get_item(item_id)
    if not request.htmx:
        return _whole_page(found.task)
    return render_page(PAGE, "item", item=found, task=found.task, **task_context([found.task]))


@bp.post("/tasks/<id:task_id>/items")
@access(Access.WRITER)
def add_item(task_id: int):
    """Add an item to a task of the user's unit; htmx gets a fresh form and the new list."""
    found = get_task(task_id, may=can_change_task)
    form = make_form("add", found.id)
    if not form.validate():
        return _refused(found, "add_form", f"add-{found.id}", form)
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
    announce(found, current_user, "list")
    db.session.commit()
    return _written(found, "add_form", "item_list", "counter")


@bp.post("/items/<id:item_id>/toggle")
@access(Access.WRITER, reads_first=True)
def toggle(item_id: int):
    """Set an item done or not done (the form says which, so a double tap changes nothing twice).

    Read and checked in a read transaction; the write lock is held only for the conditional
    UPDATE, its trace row and its live event (danvan.checklist.ticks). The answer, the row and
    the task's counter, is rendered from the values in hand.
    """
    found = get_tick_row(item_id, may=can_change_item)
    # One hidden field, "1" (done) or "0": read plainly, since building a form object would cost
    # the busiest write a tenth of its time (CSRFProtect has checked the token already).
    done = request.form.get("done")
    if done not in ("0", "1"):
        abort(400)
    user = current_user._get_current_object()
    found = set_done(found, done == "1", user)
    task = found.task
    url = url_for("checklist.unit", unit_id=task.unit_id, year=task.year, _anchor=f"task-{task.id}")
    return after_write(url, fragment=lambda: render_blocks(
        PAGE, ["item", "counter"], item=found, task=task, counts={task.id: task.counts},
        photos={found.id: found.photos}, today=clock.today(), editing=None, oob=("counter",),
        can_change=lambda t: can_change_task(user, t)))


@bp.route("/items/<id:item_id>/edit", methods=["GET", "POST"])
@access(Access.WRITER)
def edit_item(item_id: int):
    """Show and save an item's edit form (text, due date, person; move up/down, remove)."""
    found = get_item(item_id, may=can_change_item)
    form = ItemForm(obj=found, prefix=f"edit{found.id}")
    if request.method == "POST" and form.validate():
        changed = {k: str(getattr(form, k).data) for k in ("text", "due_on", "responsible")
                   if getattr(form, k).data != getattr(found, k)}
        if changed:
            form.populate_obj(found)
            found.responsible = found.responsible or ""
            record_change(current_user, "edit", "checklist_item", found.id, task_id=found.task_id, **changed)
            announce(found.task, current_user, "item", found.id)
            db.session.commit()
        return _written(found.task, "item", "counter", item=found)
    # The edit form itself, or again with its errors (never stored half-way).
    return form_error(PAGE, "item", item=found, task=found.task,
                      **task_context([found.task], editing=found, edit_form=form),
                      whole_page=lambda: checklist_context(found.task.unit, found.task.assignment.plan.year,
                                                           editing=found, edit_form=form))


@bp.post("/items/<id:item_id>/move")
@access(Access.WRITER)
def move_item(item_id: int):
    """Move an item one place up or down in its task's list."""
    found = get_item(item_id, may=can_change_item)
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
        announce(found.task, current_user, "list")
        db.session.commit()
    return _written(found.task, "item_list", "counter")


@bp.post("/items/<id:item_id>/remove")
@access(Access.WRITER)
def remove_item(item_id: int):
    """Remove an item from the list; it stays in the task's history with who removed it and when."""
    found = get_item(item_id, may=can_change_item)
    found.removed_at, found.removed_by_id = utcnow(), current_user.id
    record_change(current_user, "remove", "checklist_item", found.id, task_id=found.task_id,
                  text=found.text)
    announce(found.task, current_user, "list")
    db.session.commit()
    return _written(found.task, "item_list", "counter", "history")


@bp.post("/tasks/<id:task_id>/done")
@access(Access.WRITER)
def mark_done(task_id: int):
    """Mark a task of the user's unit done with a note, or reopen it."""
    found = get_task(task_id, may=can_change_task)
    form = make_form("done", found.id)
    if not form.validate():
        return _refused(found, "done_form", f"done-{found.id}", form)
    if form.action.data == "done":
        found.done_at, found.done_by_id, found.done_note = utcnow(), current_user.id, form.note.data
    else:
        found.done_at, found.done_by_id = None, None
    record_change(current_user, form.action.data, "task", found.id, note=form.note.data or "")
    announce(found, current_user, "task")
    db.session.commit()
    return _written(found, "done_form", "task_head")


@bp.post("/tasks/<id:task_id>/comments")
@access(Access.WRITER)
def comment(task_id: int):
    """Add a comment to a task: its own unit and the units coordinating on it may."""
    found = get_task(task_id, may=can_comment_task)
    form = make_form("comment", found.id)
    if not form.validate():
        return _refused(found, "comment_form", f"comment-{found.id}", form)
    new = TaskComment(task_id=found.id, unit_id=current_user.unit_id, user_id=current_user.id,
                      text=form.text.data)
    db.session.add(new)
    db.session.flush()
    record_change(current_user, "comment", "task", found.id, comment_id=new.id)
    announce(found, current_user, "comments")
    db.session.commit()
    return _written(found, "comment_form", "comments")
