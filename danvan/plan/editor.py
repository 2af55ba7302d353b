"""The draft editor of a plan: header, section I and II, purpose and recipient lines, assignments.

Every save carries the plan's version: an older form is a conflict shown beside the typed text,
never an overwrite; a plan that left the draft state is locked.
"""

from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_blocks

from danvan.access import Access, access, can_manage_plan
from danvan.extensions import db
from danvan.formatting import format_datetime
from danvan.orm import (
    LOCAL_UNION_KINDS,
    Assignment,
    Field,
    Plan,
    PlanContent,
    PlanPurpose,
    PlanStatus,
    Recipient,
    Task,
    Unit,
    UnitKind,
    record_change,
)
from danvan.plan import bp
from danvan.plan.drafts import LOCKED, blocking_tasks, bump_version, move_row, sync_tasks, wanted_unit_ids
from danvan.plan.forms import EVERY_LOCAL, AssignmentForm, ContentsForm, HeaderForm, PurposeForm, RecipientForm
from danvan.plan.queries import get_plan_to_edit
from danvan.web import after_write, form_error, render_page

EDIT = "plan/edit.html"
HEADER_FIELDS = ("code", "title", "place", "issued_on", "issuer_heading", "organisation_heading", "basis",
                 "initiatives_intro", "closing", "signer_on_behalf", "signer_title", "signer_name",
                 "archive_note")
# Purpose and recipient lines: their class, form, and the prefix of their field names.
LINES = {"purposes": (PlanPurpose, PurposeForm, "p"), "recipients": (Recipient, RecipientForm, "r")}


def get_line(plan: Plan, kind: str, line_id: int):
    """Return a purpose or recipient line of this plan, or 404."""
    line = db.session.get(LINES[kind][0], line_id)
    if line is None or line.plan_id != plan.id:
        abort(404)
    return line


def get_assignment(plan: Plan, assignment_id: int) -> Assignment:
    """Return an assignment of this plan, or 404."""
    assignment = next((a for a in plan.assignments if a.id == assignment_id), None)
    if assignment is None:
        abort(404)
    return assignment


def _editable_units() -> list[Unit]:
    return db.session.scalars(
        db.select(Unit).where(Unit.kind != UnitKind.OUTSIDE).order_by(Unit.position)).all()


# ---- editor rendering ----

def unit_choices(units: list[Unit], selected: Unit | None = None) -> list[tuple[str, str]]:
    choices = [(EVERY_LOCAL, "Các Huyện, Thị, Thành đoàn và Đoàn trực thuộc")]
    choices += [(str(u.id), u.name) for u in units if u.closed_on is None]
    if selected is not None and selected.closed_on is not None:
        choices.append((str(selected.id), f"{selected.name} (đã ngừng hoạt động)"))
    return choices


def assignment_form(assignment: Assignment | None, units: list[Unit], formdata=False) -> AssignmentForm:
    prefix = f"a{assignment.id}" if assignment else "an"
    kwargs = {"prefix": prefix}
    if formdata is False:
        kwargs["formdata"] = None
    if assignment is not None and formdata is False:
        kwargs.update(section=assignment.section, short_title=assignment.short_title, text=assignment.text,
                      unit=str(assignment.unit_id) if assignment.unit_id else EVERY_LOCAL,
                      coordinating=[u.id for u in assignment.coordinating_units])
    form = AssignmentForm(**kwargs)
    form.unit.choices = unit_choices(units, assignment.unit if assignment else None)
    if assignment is None:
        form.unit.choices = [("", "— Chọn đơn vị —")] + form.unit.choices
    form.coordinating.choices = [(u.id, u.short_name) for u in units if u.closed_on is None]
    return form


def editor_context(plan: Plan, forms: dict | None = None, notices: dict | None = None,
                   conflicts: dict | None = None) -> dict:
    """Every form of the editor, with the submitted one (errors, typed values) put in its place."""
    forms = forms or {}
    units = _editable_units()
    contents = {c.field.value: c.text for c in plan.contents}
    lines = {
        kind: [(line, forms.get((kind, line.id)) or form_cls(formdata=None, obj=line, prefix=f"{p}{line.id}"))
               for line in getattr(plan, kind)]
        for kind, (_cls, form_cls, p) in LINES.items()
    }
    for kind, label in (("purposes", "Ý"), ("recipients", "Nơi nhận")):
        for number, (_line, form) in enumerate(lines[kind], start=1):
            form.text.label.text = f"{label} {number}"
    return {
        "plan": plan,
        "header": forms.get("header") or HeaderForm(formdata=None, obj=plan),
        "contents_form": forms.get("contents") or ContentsForm(formdata=None, data=contents),
        "lines": lines,
        "new_lines": {kind: forms.get((kind, None)) or form_cls(formdata=None, prefix=f"{p}n")
                      for kind, (_cls, form_cls, p) in LINES.items()},
        "assignment_forms": [(a, forms.get(("assignments", a.id)) or assignment_form(a, units))
                             for a in plan.assignments],
        "new_assignment": forms.get(("assignments", None)) or assignment_form(None, units),
        "notices": notices or {},
        "conflicts": conflicts or {},
        "locked": LOCKED.get(plan.status),
    }


def edited_at_text(plan: Plan) -> str:
    return format_datetime(plan.edited_at)[:5] if plan.edited_at else ""


def show(plan: Plan, block: str, **context):
    """Re-render after bad input or a conflict: the block (htmx) or the whole editor, with 200."""
    editor = editor_context(plan, **context)
    return form_error(EDIT, block, **editor)


def saved(plan_id: int, block: str, message: str):
    """After a save: the changed block plus the new version everywhere (htmx), or a redirect."""
    db.session.commit()

    def fragment() -> str:
        plan = get_plan_to_edit(plan_id, may=can_manage_plan)
        # Every form of the page carries the plan version: they all get the new one, out of band.
        return render_blocks(EDIT, [block, "version_oob"], **editor_context(plan, notices={block: message}))

    return after_write(url_for("plan.edit", plan_id=plan_id, _anchor=block), message, fragment)


def guard(plan: Plan, block: str, form=None, key=None):
    """Return a response when the save must not go ahead (plan locked or stale version), else None."""
    if plan.status != PlanStatus.DRAFT:
        return form_error(EDIT, "locked", status=409, plan=plan, locked=LOCKED[plan.status],
                          whole_page=lambda: editor_context(plan))
    if request.form.get("version", type=int) != plan.version:
        return conflict(plan, block, form, key)
    return None


def conflict(plan: Plan, block: str, form=None, key=None):
    """Re-render the block with the typed values and a note that someone saved the plan first."""
    forms = {key or block: form} if form is not None else {}
    return show(plan, block, forms=forms, conflicts={block: edited_at_text(plan) or "vừa rồi"})


@bp.get("/plans/<id:plan_id>/edit")
@access(Access.WRITER)
def edit(plan_id: int):
    """Return the editor of a draft plan (a notice when it is pending or issued); managers only."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    return render_page(EDIT, "editor", **editor_context(plan))


@bp.post("/plans/<id:plan_id>/edit")
@access(Access.WRITER)
def save_header(plan_id: int):
    """Save the header, basis, closing and signature of a draft plan."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    form = HeaderForm()
    if (stop := guard(plan, "header", form)) is not None:
        return stop
    if not form.validate():
        return show(plan, "header", forms={"header": form})
    if not bump_version(plan, plan.version):
        return conflict(plan, "header", form)
    before = {name: getattr(plan, name) for name in HEADER_FIELDS}
    form.populate_obj(plan)
    changed = {name: getattr(plan, name) for name in HEADER_FIELDS if getattr(plan, name) != before[name]}
    record_change(current_user, "update", "plan", plan.id, part="header", **changed)
    return saved(plan.id, "header", "Đã lưu phần đầu và chữ ký.")


@bp.post("/plans/<id:plan_id>/contents")
@access(Access.WRITER)
def save_contents(plan_id: int):
    """Save the four paragraphs of section II of a draft plan."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    form = ContentsForm()
    if (stop := guard(plan, "contents", form)) is not None:
        return stop
    if not form.validate():
        return show(plan, "contents", forms={"contents": form})
    if not bump_version(plan, plan.version):
        return conflict(plan, "contents", form)
    existing = {c.field: c for c in plan.contents}
    for position, field in enumerate(Field):
        text = form[field.value].data or ""
        content = existing.get(field)
        if content is None and text:
            plan.contents.append(PlanContent(field=field, position=position, text=text))
        elif content is not None and not text:
            plan.contents.remove(content)
            db.session.delete(content)
        elif content is not None:
            content.text = text
    record_change(current_user, "update", "plan", plan.id, part="contents",
                  **{f.value: form[f.value].data for f in Field})
    return saved(plan.id, "contents", "Đã lưu phần nội dung.")


@bp.post("/plans/<id:plan_id>/purposes", defaults={"kind": "purposes"}, endpoint="add_purpose")
@bp.post("/plans/<id:plan_id>/recipients", defaults={"kind": "recipients"}, endpoint="add_recipient")
@access(Access.WRITER)
def add_line(plan_id: int, kind: str):
    """Add a purpose (section I) or recipient line at the end of a draft plan's list."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    cls, form_cls, prefix = LINES[kind]
    form = form_cls(prefix=f"{prefix}n")
    if (stop := guard(plan, kind, form, (kind, None))) is not None:
        return stop
    if not form.validate():
        return show(plan, kind, forms={(kind, None): form})
    if not bump_version(plan, plan.version):
        return conflict(plan, kind, form, (kind, None))
    lines = getattr(plan, kind)
    line = cls(position=(lines[-1].position + 1) if lines else 0, text=form.text.data)
    lines.append(line)
    db.session.flush()
    record_change(current_user, "add", "plan", plan.id, part=kind, line=line.id, text=line.text)
    return saved(plan.id, kind, "Đã thêm một dòng.")


@bp.post("/plans/<id:plan_id>/purposes/<id:line_id>", defaults={"kind": "purposes"}, endpoint="purpose")
@bp.post("/plans/<id:plan_id>/recipients/<id:line_id>", defaults={"kind": "recipients"}, endpoint="recipient")
@access(Access.WRITER)
def change_line(plan_id: int, line_id: int, kind: str):
    """Save, move up or down, or remove one purpose or recipient line of a draft plan."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    line = get_line(plan, kind, line_id)
    _cls, form_cls, prefix = LINES[kind]
    action = request.form.get("action", "save")
    form = form_cls(prefix=f"{prefix}{line.id}")
    if (stop := guard(plan, kind, form, (kind, line.id))) is not None:
        return stop
    if action == "save" and not form.validate():
        return show(plan, kind, forms={(kind, line.id): form})
    if not bump_version(plan, plan.version):
        return conflict(plan, kind, form, (kind, line.id))
    lines = getattr(plan, kind)
    if action == "remove":
        lines.remove(line)
        db.session.delete(line)
        record_change(current_user, "remove", "plan", plan.id, part=kind, line=line.id, text=line.text)
        message = "Đã xóa một dòng."
    elif action in ("up", "down"):
        move_row(lines, line, -1 if action == "up" else 1)
        record_change(current_user, "move", "plan", plan.id, part=kind, line=line.id, direction=action)
        message = "Đã đổi thứ tự."
    else:
        record_change(current_user, "update", "plan", plan.id, part=kind, line=line.id,
                      before=line.text, text=form.text.data)
        line.text = form.text.data
        message = "Đã lưu."
    return saved(plan.id, kind, message)


def _assignment_values(form: AssignmentForm) -> tuple[int | None, list[int]]:
    unit_id = None if form.unit.data == EVERY_LOCAL else int(form.unit.data)
    return unit_id, list(dict.fromkeys(form.coordinating.data or []))


def _blocked_message(tasks: list[Task]) -> str:
    names = ", ".join(t.unit.short_name for t in tasks)
    return (f"Không bỏ giao được cho {names}: đơn vị đã có việc cần làm, ý kiến hoặc đã đánh dấu hoàn thành. "
            "Giữ đơn vị này, hoặc thêm một nhiệm vụ mới.")


def _apply_assignment(assignment: Assignment, form: AssignmentForm, unit_id: int | None, coordinating: list[int]):
    assignment.section = form.section.data
    assignment.short_title = form.short_title.data
    assignment.text = form.text.data
    assignment.unit_id = unit_id
    assignment.unit_kinds = "" if unit_id else ",".join(LOCAL_UNION_KINDS)
    assignment.coordinating_units = db.session.scalars(db.select(Unit).where(Unit.id.in_(coordinating))).all()


@bp.post("/plans/<id:plan_id>/assignments")
@access(Access.WRITER)
def add_assignment(plan_id: int):
    """Add a section IV assignment to a draft plan and create the tasks of its unit(s)."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    units = _editable_units()
    form = assignment_form(None, units, formdata=None)
    key = ("assignments", None)
    if (stop := guard(plan, "assignments", form, key)) is not None:
        return stop
    if not form.validate():
        return show(plan, "assignments", forms={key: form})
    if not bump_version(plan, plan.version):
        return conflict(plan, "assignments", form, key)
    unit_id, coordinating = _assignment_values(form)
    assignment = Assignment(position=(plan.assignments[-1].position + 1) if plan.assignments else 0)
    _apply_assignment(assignment, form, unit_id, coordinating)
    plan.assignments.append(assignment)
    db.session.flush()
    sync_tasks(current_user, assignment, wanted_unit_ids(unit_id))
    record_change(current_user, "add", "plan", plan.id, part="assignments", assignment=assignment.id,
                  text=assignment.text, unit=unit_id)
    return saved(plan.id, "assignments", f"Đã thêm nhiệm vụ “{assignment.short_title}”.")


@bp.post("/plans/<id:plan_id>/assignments/<id:assignment_id>")
@access(Access.WRITER)
def change_assignment(plan_id: int, assignment_id: int):
    """Save, move or remove an assignment of a draft plan; tasks follow its unit, work is never dropped."""
    plan = get_plan_to_edit(plan_id, may=can_manage_plan)
    assignment = get_assignment(plan, assignment_id)
    units = _editable_units()
    form = assignment_form(assignment, units, formdata=None)
    key = ("assignments", assignment.id)
    action = request.form.get("action", "save")
    if (stop := guard(plan, "assignments", form, key)) is not None:
        return stop
    if action == "save" and not form.validate():
        return show(plan, "assignments", forms={key: form})
    if action == "save":
        unit_id, coordinating = _assignment_values(form)
        wanted = wanted_unit_ids(unit_id)
    else:
        unit_id, coordinating, wanted = assignment.unit_id, [], set()
    if action in ("save", "remove") and (blocked := blocking_tasks(assignment, wanted)):
        form.unit.errors = [*form.unit.errors, _blocked_message(blocked)]
        return show(plan, "assignments", forms={key: form})
    if not bump_version(plan, plan.version):
        return conflict(plan, "assignments", form, key)
    if action == "remove":
        sync_tasks(current_user, assignment, set())
        record_change(current_user, "remove", "plan", plan.id, part="assignments", assignment=assignment.id,
                      text=assignment.text, unit=assignment.unit_id)
        assignment.coordinating_units = []
        assignment.initiatives = []
        plan.assignments.remove(assignment)
        db.session.delete(assignment)
        message = "Đã xóa nhiệm vụ."
    elif action in ("up", "down"):
        move_row(plan.assignments, assignment, -1 if action == "up" else 1)
        record_change(current_user, "move", "plan", plan.id, part="assignments", assignment=assignment.id,
                      direction=action)
        message = "Đã đổi thứ tự."
    else:
        before = {"text": assignment.text, "unit": assignment.unit_id}
        _apply_assignment(assignment, form, unit_id, coordinating)
        sync_tasks(current_user, assignment, wanted)
        record_change(current_user, "update", "plan", plan.id, part="assignments", assignment=assignment.id,
                      before=before, text=assignment.text, unit=unit_id, coordinating=coordinating)
        message = f"Đã lưu nhiệm vụ “{assignment.short_title}”."
    return saved(plan.id, "assignments", message)


