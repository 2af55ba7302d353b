"""The plans list, the draft editor, the signing workflow and next year's copy."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, is_leadership
from danvan.extensions import db
from danvan.formatting import format_datetime
from danvan.forms import REQUIRED, too_long
from danvan.orm import (
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
from danvan.plans import bp
from danvan.plans import workflow as wf
from danvan.plans.forms import EVERY_LOCAL, AssignmentForm, ContentsForm, HeaderForm, PurposeForm, RecipientForm
from danvan.text import clean_text
from danvan.web import render_page

EDIT = "plans/edit.html"
HEADER_FIELDS = ("code", "title", "place", "issued_on", "issuer_heading", "organisation_heading", "basis",
                 "initiatives_intro", "closing", "signer_on_behalf", "signer_title", "signer_name",
                 "archive_note")
# Purpose and recipient lines: their class, form, and the prefix of their field names.
LINES = {"purposes": (PlanPurpose, PurposeForm, "p"), "recipients": (Recipient, RecipientForm, "r")}
LOCKED = {
    PlanStatus.PENDING: "Kế hoạch đang chờ Ban Thường vụ duyệt nên tạm khóa. Nếu cần sửa, Ban Thường vụ "
                        "trả lại kế hoạch về dự thảo.",
    PlanStatus.ISSUED: "Kế hoạch đã ban hành nên không sửa được nữa. Muốn thay đổi, cần ban hành kế hoạch "
                       "sửa đổi, bổ sung (một văn bản mới) hoặc tạo kế hoạch năm sau từ kế hoạch này.",
}
RETURN_NOTE_LIMIT = 1000


# ---- scoped getters ----

def load_plan(plan_id: int) -> Plan:
    """Return a plan with all the editor shows, fresh from the database, or 404."""
    return db.first_or_404(
        db.select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.purposes), selectinload(Plan.contents), selectinload(Plan.recipients),
            selectinload(Plan.assignments).selectinload(Assignment.unit),
            selectinload(Plan.assignments).selectinload(Assignment.coordinating_units),
            selectinload(Plan.assignments).selectinload(Assignment.tasks).selectinload(Task.unit),
        ).execution_options(populate_existing=True))


def get_plan_to_edit(plan_id: int) -> Plan:
    """Return a plan the user's unit manages (province plan: TCKT, admin; own plan: the unit); else 404/403."""
    plan = load_plan(plan_id)
    if not wf.can_manage(current_user, plan):
        abort(403)
    return plan


def get_plan_to_act(plan_id: int) -> Plan:
    """Return a plan for a workflow step; who may take which step is checked by the step."""
    return db.first_or_404(db.select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.parent_plan)))


def get_line(plan: Plan, kind: str, line_id: int):
    """Return a purpose or recipient line of this plan, or 404."""
    cls = LINES[kind][0]
    line = db.session.get(cls, line_id)
    if line is None or line.plan_id != plan.id:
        abort(404)
    return line


def get_assignment(plan: Plan, assignment_id: int) -> Assignment:
    """Return an assignment of this plan, or 404."""
    assignment = next((a for a in plan.assignments if a.id == assignment_id), None)
    if assignment is None:
        abort(404)
    return assignment


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
    units = db.session.scalars(
        db.select(Unit).where(Unit.kind != UnitKind.OUTSIDE).order_by(Unit.position)).all()
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


def version_oob(plan: Plan) -> str:
    """Every form of the page carries the plan version; after a save they all get the new one."""
    return (f'<input type="hidden" name="version" value="{int(plan.version)}" class="pv" '
            'hx-swap-oob="outerHTML:.pv">')


def edited_at_text(plan: Plan) -> str:
    return format_datetime(plan.edited_at)[:5] if plan.edited_at else ""


def show(plan: Plan, block: str, **context):
    """Re-render after bad input or a conflict: the block (htmx) or the whole editor, always 200."""
    return render_page(EDIT, block, **editor_context(plan, **context))


def saved(plan_id: int, block: str, message: str):
    """After a save: the changed block plus the new version everywhere (htmx), or a redirect."""
    db.session.commit()
    if request.htmx:
        plan = load_plan(plan_id)
        html = render_block(EDIT, block, **editor_context(plan, notices={block: message}))
        return html + version_oob(plan)
    flash(message)
    return redirect(url_for("plans.edit", plan_id=plan_id, _anchor=block))


def guard(plan: Plan, block: str, form=None, key=None):
    """Return a response when the save must not go ahead (plan locked or stale version), else None."""
    if plan.status != PlanStatus.DRAFT:
        if request.htmx:
            return render_block(EDIT, "locked", plan=plan, locked=LOCKED[plan.status])
        return render_template(EDIT, **editor_context(plan)), 409
    if request.form.get("version", type=int) != plan.version:
        return conflict(plan, block, form, key)
    return None


def conflict(plan: Plan, block: str, form=None, key=None):
    forms = {key or block: form} if form is not None else {}
    return show(plan, block, forms=forms, conflicts={block: edited_at_text(plan) or "vừa rồi"})


# ---- pages ----

@bp.get("/plans")
@access(Access.MEMBER)
def index():
    """Return every plan grouped by year, newest first, with the units' own plans counted."""
    province = db.session.scalars(
        db.select(Plan).where(Plan.parent_plan_id.is_(None)).order_by(Plan.year.desc(), Plan.id)).all()
    counts = db.session.execute(
        db.select(Plan.year, Plan.status, db.func.count(Plan.id)).where(Plan.parent_plan_id.is_not(None))
        .group_by(Plan.year, Plan.status)).all()
    mine = db.session.scalars(
        db.select(Plan).where(Plan.parent_plan_id.is_not(None), Plan.owner_unit_id == current_user.unit_id)
        .order_by(Plan.year.desc(), Plan.id)).all()
    years: dict[int, dict] = {}
    for plan in province:
        years.setdefault(plan.year, {"plans": [], "own": {}, "mine": []})["plans"].append(plan)
    for year, status, count in counts:
        years.setdefault(year, {"plans": [], "own": {}, "mine": []})["own"][PlanStatus(status)] = count
    for plan in mine:
        years.setdefault(plan.year, {"plans": [], "own": {}, "mine": []})["mine"].append(plan)
    ordered = sorted(years.items(), reverse=True)
    return render_page("plans/index.html", "years", years=ordered,
                       can_edit=lambda p: wf.can_edit(current_user, p))


@bp.get("/plans/<id:plan_id>/edit")
@access(Access.WRITER)
def edit(plan_id: int):
    """Return the editor of a draft plan (a notice when it is pending or issued); managers only."""
    plan = get_plan_to_edit(plan_id)
    return render_page(EDIT, "editor", **editor_context(plan))


@bp.post("/plans/<id:plan_id>/edit")
@access(Access.WRITER)
def save_header(plan_id: int):
    """Save the header, basis, closing and signature of a draft plan."""
    plan = get_plan_to_edit(plan_id)
    form = HeaderForm()
    if (stop := guard(plan, "header", form)) is not None:
        return stop
    if not form.validate():
        return show(plan, "header", forms={"header": form})
    if not wf.touch(current_user, plan, plan.version):
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
    plan = get_plan_to_edit(plan_id)
    form = ContentsForm()
    if (stop := guard(plan, "contents", form)) is not None:
        return stop
    if not form.validate():
        return show(plan, "contents", forms={"contents": form})
    if not wf.touch(current_user, plan, plan.version):
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
    plan = get_plan_to_edit(plan_id)
    cls, form_cls, prefix = LINES[kind]
    form = form_cls(prefix=f"{prefix}n")
    if (stop := guard(plan, kind, form, (kind, None))) is not None:
        return stop
    if not form.validate():
        return show(plan, kind, forms={(kind, None): form})
    if not wf.touch(current_user, plan, plan.version):
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
    plan = get_plan_to_edit(plan_id)
    line = get_line(plan, kind, line_id)
    _cls, form_cls, prefix = LINES[kind]
    action = request.form.get("action", "save")
    form = form_cls(prefix=f"{prefix}{line.id}")
    if (stop := guard(plan, kind, form, (kind, line.id))) is not None:
        return stop
    if action == "save" and not form.validate():
        return show(plan, kind, forms={(kind, line.id): form})
    if not wf.touch(current_user, plan, plan.version):
        return conflict(plan, kind, form, (kind, line.id))
    lines = getattr(plan, kind)
    if action == "remove":
        lines.remove(line)
        db.session.delete(line)
        record_change(current_user, "remove", "plan", plan.id, part=kind, line=line.id, text=line.text)
        message = "Đã xóa một dòng."
    elif action in ("up", "down"):
        move(lines, line, -1 if action == "up" else 1)
        record_change(current_user, "move", "plan", plan.id, part=kind, line=line.id, direction=action)
        message = "Đã đổi thứ tự."
    else:
        record_change(current_user, "update", "plan", plan.id, part=kind, line=line.id,
                      before=line.text, text=form.text.data)
        line.text = form.text.data
        message = "Đã lưu."
    return saved(plan.id, kind, message)


def move(rows: list, row, step: int) -> None:
    """Swap a row with its neighbour and renumber the positions 0..n-1."""
    ordered = list(rows)
    i = ordered.index(row)
    j = i + step
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
    for position, r in enumerate(ordered):
        r.position = position


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
    assignment.unit_kinds = "" if unit_id else ",".join(wf.LOCAL_KINDS)
    assignment.coordinating_units = db.session.scalars(db.select(Unit).where(Unit.id.in_(coordinating))).all()


@bp.post("/plans/<id:plan_id>/assignments")
@access(Access.WRITER)
def add_assignment(plan_id: int):
    """Add a section IV assignment to a draft plan and create the tasks of its unit(s)."""
    plan = get_plan_to_edit(plan_id)
    units = db.session.scalars(db.select(Unit).where(Unit.kind != UnitKind.OUTSIDE).order_by(Unit.position)).all()
    form = assignment_form(None, units, formdata=None)
    key = ("assignments", None)
    if (stop := guard(plan, "assignments", form, key)) is not None:
        return stop
    if not form.validate():
        return show(plan, "assignments", forms={key: form})
    if not wf.touch(current_user, plan, plan.version):
        return conflict(plan, "assignments", form, key)
    unit_id, coordinating = _assignment_values(form)
    assignment = Assignment(position=(plan.assignments[-1].position + 1) if plan.assignments else 0)
    _apply_assignment(assignment, form, unit_id, coordinating)
    plan.assignments.append(assignment)
    db.session.flush()
    wf.sync_tasks(current_user, assignment, wf.wanted_unit_ids(unit_id))
    record_change(current_user, "add", "plan", plan.id, part="assignments", assignment=assignment.id,
                  text=assignment.text, unit=unit_id)
    return saved(plan.id, "assignments", f"Đã thêm nhiệm vụ “{assignment.short_title}”.")


@bp.post("/plans/<id:plan_id>/assignments/<id:assignment_id>")
@access(Access.WRITER)
def change_assignment(plan_id: int, assignment_id: int):
    """Save, move or remove an assignment of a draft plan; tasks follow its unit, work is never dropped."""
    plan = get_plan_to_edit(plan_id)
    assignment = get_assignment(plan, assignment_id)
    units = db.session.scalars(db.select(Unit).where(Unit.kind != UnitKind.OUTSIDE).order_by(Unit.position)).all()
    form = assignment_form(assignment, units, formdata=None)
    key = ("assignments", assignment.id)
    action = request.form.get("action", "save")
    if (stop := guard(plan, "assignments", form, key)) is not None:
        return stop
    if action == "save" and not form.validate():
        return show(plan, "assignments", forms={key: form})
    if action == "save":
        unit_id, coordinating = _assignment_values(form)
        wanted = wf.wanted_unit_ids(unit_id)
    else:
        unit_id, coordinating, wanted = assignment.unit_id, [], set()
    if action in ("save", "remove") and (blocked := wf.blocking_tasks(assignment, wanted)):
        form.unit.errors = [*form.unit.errors, _blocked_message(blocked)]
        return show(plan, "assignments", forms={key: form})
    if not wf.touch(current_user, plan, plan.version):
        return conflict(plan, "assignments", form, key)
    if action == "remove":
        wf.sync_tasks(current_user, assignment, set())
        record_change(current_user, "remove", "plan", plan.id, part="assignments", assignment=assignment.id,
                      text=assignment.text, unit=assignment.unit_id)
        assignment.coordinating_units = []
        assignment.initiatives = []
        plan.assignments.remove(assignment)
        db.session.delete(assignment)
        message = "Đã xóa nhiệm vụ."
    elif action in ("up", "down"):
        move(plan.assignments, assignment, -1 if action == "up" else 1)
        record_change(current_user, "move", "plan", plan.id, part="assignments", assignment=assignment.id,
                      direction=action)
        message = "Đã đổi thứ tự."
    else:
        before = {"text": assignment.text, "unit": assignment.unit_id}
        _apply_assignment(assignment, form, unit_id, coordinating)
        wf.sync_tasks(current_user, assignment, wanted)
        record_change(current_user, "update", "plan", plan.id, part="assignments", assignment=assignment.id,
                      before=before, text=assignment.text, unit=unit_id, coordinating=coordinating)
        message = f"Đã lưu nhiệm vụ “{assignment.short_title}”."
    return saved(plan.id, "assignments", message)


# ---- workflow on the document page ----

def actions_context(plan: Plan, message: str = "", error: str = "") -> dict:
    """What the document page's action block needs: who may do what, the history, next year's plan."""
    user = current_user
    manage = wf.can_manage(user, plan)
    return {
        "plan": plan,
        "may": {
            "edit": wf.can_edit(user, plan),
            "submit": wf.can_submit(user, plan),
            "approve": wf.can_approve(user, plan),
            "issue_own": wf.can_issue_own(user, plan),
            "copy_next": manage,
        },
        "next_plan": wf.next_year_plan(plan) if manage else None,
        "history": [(c, json.loads(c.detail or "{}").get("note", "")) for c in wf.history(plan)],
        "transitions": wf.TRANSITIONS,
        "locked_note": LOCKED.get(plan.status),
        "action_message": message,
        "action_error": error,
        "return_limit": RETURN_NOTE_LIMIT,
    }


def acted(plan: Plan, message: str = "", error: str = ""):
    """After a workflow step: the action block (htmx) or a redirect to the document."""
    if request.htmx:
        return render_template("plans/_actions.html", **actions_context(plan, message, error))
    flash(error or message)
    return redirect(url_for("plan.document", plan_id=plan.id))


def _stale_step(plan: Plan) -> str | None:
    if request.form.get("version", type=int) != plan.version:
        return f"Kế hoạch vừa được người khác sửa lúc {edited_at_text(plan) or 'vừa rồi'}. Xem lại rồi thực hiện lại."
    return None


@bp.post("/plans/<id:plan_id>/submit")
@access(Access.WRITER)
def submit(plan_id: int):
    """Submit a draft province plan to the standing committee; its standing unit (TCKT) or admin."""
    plan = get_plan_to_act(plan_id)
    if wf.is_unit_plan(plan) or not wf.can_manage(current_user, plan):
        abort(403)
    if plan.status != PlanStatus.DRAFT:
        return acted(plan, error=f"Kế hoạch đang ở trạng thái “{plan.status.label}”, không trình được.")
    if error := _stale_step(plan):
        return acted(plan, error=error)
    wf.transition(current_user, plan, PlanStatus.PENDING, "submit")
    db.session.commit()
    return acted(plan, "Đã trình Ban Thường vụ.")


@bp.post("/plans/<id:plan_id>/issue")
@access(Access.WRITER)
def issue(plan_id: int):
    """Sign and issue a plan: a pending province plan (BTV, admin), or a unit's own draft (the unit)."""
    plan = get_plan_to_act(plan_id)
    own = wf.is_unit_plan(plan)
    if own and not wf.can_manage(current_user, plan):
        abort(403)
    if not own and not (current_user.is_admin or is_leadership(current_user)):
        abort(403)
    wanted = PlanStatus.DRAFT if own else PlanStatus.PENDING
    if plan.status != wanted:
        return acted(plan, error=f"Kế hoạch đang ở trạng thái “{plan.status.label}”, không ký ban hành được.")
    if error := _stale_step(plan):
        return acted(plan, error=error)
    if not plan.code.strip() or plan.code.lstrip().startswith("…"):
        return acted(plan, error="Kế hoạch chưa có số. Bộ phận soạn thảo cần điền số kế hoạch trước khi ban hành.")
    if plan.issued_on is None:
        plan.issued_on = wf.utcnow().date()
    wf.transition(current_user, plan, PlanStatus.ISSUED, "issue", issued_on=plan.issued_on)
    db.session.commit()
    return acted(plan, "Đã ký ban hành kế hoạch.")


@bp.post("/plans/<id:plan_id>/return")
@access(Access.WRITER)
def return_plan(plan_id: int):
    """Return a pending province plan to draft with a comment; the standing committee or admin."""
    plan = get_plan_to_act(plan_id)
    if wf.is_unit_plan(plan) or not (current_user.is_admin or is_leadership(current_user)):
        abort(403)
    if plan.status != PlanStatus.PENDING:
        return acted(plan, error=f"Kế hoạch đang ở trạng thái “{plan.status.label}”, không trả lại được.")
    note = clean_text(request.form.get("note", ""), multiline=True)
    if not note:
        return acted(plan, error="Trả lại: " + REQUIRED)
    if len(note) > RETURN_NOTE_LIMIT:
        return acted(plan, error="Ý kiến trả lại: " + too_long(RETURN_NOTE_LIMIT))
    wf.transition(current_user, plan, PlanStatus.DRAFT, "return", note=note)
    db.session.commit()
    return acted(plan, "Đã trả lại kế hoạch để sửa.")


@bp.post("/plans/<id:plan_id>/copy")
@access(Access.WRITER)
def copy(plan_id: int):
    """Create next year's draft from this plan; province plan: TCKT or admin; own plan: the unit."""
    plan = wf.plan_for_copy(plan_id)
    if not wf.can_manage(current_user, plan):
        abort(403)
    existing = wf.next_year_plan(plan)
    if existing is not None:
        return acted(plan, error=f"Đã có kế hoạch năm {plan.year + 1} ({existing.code}); không tạo thêm bản thứ hai.")
    parent = None
    if wf.is_unit_plan(plan):
        parent = wf.province_plan_of_year(plan.year + 1)
        if parent is None:
            return acted(plan, error=f"Tỉnh đoàn chưa có kế hoạch năm {plan.year + 1} để đơn vị căn cứ.")
    new_plan, skipped = wf.copy_plan(current_user, plan, parent)
    db.session.commit()
    message = f"Đã tạo dự thảo kế hoạch năm {new_plan.year}. Vui lòng điền số kế hoạch."
    if skipped:
        message += f" Bỏ qua {skipped} nhiệm vụ của đơn vị đã ngừng hoạt động."
    flash(message)
    url = url_for("plans.edit", plan_id=new_plan.id)
    if request.htmx:
        return Response(status=204, headers={"HX-Redirect": url})
    return redirect(url)
