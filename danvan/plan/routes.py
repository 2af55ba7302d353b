"""The plans list, the plan document, and its workflow: submit, sign and issue, return, copy."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from danvan import clock
from danvan.access import (
    Access,
    access,
    can_manage_plan,
    can_return_plan,
    can_sign_plan,
    can_submit_plan,
    plan_steps,
)
from danvan.extensions import db
from danvan.forms import REQUIRED, too_long
from danvan.orm import Plan, PlanStatus
from danvan.plan import bp
from danvan.plan.document import DOCUMENT, RETURN_NOTE_LIMIT, actions_context, document_context
from danvan.plan.drafts import copy_plan, transition
from danvan.plan.editor import edited_at_text
from danvan.plan.word_document import plan_docx
from danvan.plan.queries import (
    get_plan,
    get_plan_to_act,
    get_plan_to_copy,
    next_year_plan,
    province_plan_of_year,
)
from danvan.text import clean_text
from danvan.web import DOCX, after_write, download, render_page


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
    return render_page("plan/index.html", "years", years=ordered,
                       can_edit=lambda p: plan_steps(current_user, p)["edit"])


@bp.get("/plans/<id:plan_id>")
@access(Access.MEMBER)
def document(plan_id: int):
    """Return a plan laid out like the official document, printable on A4."""
    return render_template(DOCUMENT, **document_context(get_plan(plan_id)))


@bp.get("/plans/<id:plan_id>.docx")
@access(Access.MEMBER)
def document_docx(plan_id: int):
    """Return the plan as a Word document in the layout of the printed plan."""
    plan = get_plan(plan_id)
    return download(plan_docx(plan), f"Kế hoạch {plan.code.replace('/', '-')}.docx", DOCX)


def _acted(plan: Plan, message: str = "", error: str = ""):
    """After a workflow step, taken or refused by the plan's state: the action block saying so
    (htmx), or redirect-after-POST to the document with the message (nothing was typed to keep)."""
    return after_write(url_for("plan.document", plan_id=plan.id), error or message,
                       lambda: render_block(DOCUMENT, "actions", **actions_context(plan, message, error)))


def _stale(plan_id: int):
    """Someone changed the plan between loading it and this step: nothing was done."""
    db.session.rollback()
    fresh = get_plan_to_act(plan_id, may=None)
    return _acted(fresh, error=f"Kế hoạch vừa được người khác sửa lúc {edited_at_text(fresh) or 'vừa rồi'}. "
                               "Xem lại rồi thực hiện lại.")


def _stale_step(plan: Plan) -> str | None:
    if request.form.get("version", type=int) != plan.version:
        return f"Kế hoạch vừa được người khác sửa lúc {edited_at_text(plan) or 'vừa rồi'}. Xem lại rồi thực hiện lại."
    return None


@bp.post("/plans/<id:plan_id>/submit")
@access(Access.WRITER)
def submit(plan_id: int):
    """Submit a draft province plan to the standing committee; its standing unit (TCKT) or admin."""
    plan = get_plan_to_act(plan_id, may=can_submit_plan)
    if plan.status != PlanStatus.DRAFT:
        return _acted(plan, error=f"Kế hoạch đang ở trạng thái “{plan.status.label}”, không trình được.")
    if error := _stale_step(plan):
        return _acted(plan, error=error)
    if not transition(current_user, plan, PlanStatus.PENDING, "submit"):
        return _stale(plan_id)
    db.session.commit()
    return _acted(plan, "Đã trình Ban Thường vụ.")


@bp.post("/plans/<id:plan_id>/issue")
@access(Access.WRITER)
def issue(plan_id: int):
    """Sign and issue a plan: a pending province plan (BTV, admin), or a unit's own draft (the unit)."""
    plan = get_plan_to_act(plan_id, may=can_sign_plan)
    wanted = PlanStatus.DRAFT if plan.parent_plan_id is not None else PlanStatus.PENDING
    if plan.status != wanted:
        return _acted(plan, error=f"Kế hoạch đang ở trạng thái “{plan.status.label}”, không ký ban hành được.")
    if error := _stale_step(plan):
        return _acted(plan, error=error)
    if not plan.code.strip() or plan.code.lstrip().startswith("…"):
        return _acted(plan, error="Kế hoạch chưa có số. Bộ phận soạn thảo cần điền số kế hoạch trước khi ban hành.")
    if plan.issued_on is None:
        plan.issued_on = clock.today()
    if not transition(current_user, plan, PlanStatus.ISSUED, "issue", issued_on=plan.issued_on):
        return _stale(plan_id)
    db.session.commit()
    return _acted(plan, "Đã ký ban hành kế hoạch.")


@bp.post("/plans/<id:plan_id>/return")
@access(Access.WRITER)
def return_plan(plan_id: int):
    """Return a pending province plan to draft with a comment; the standing committee or admin."""
    plan = get_plan_to_act(plan_id, may=can_return_plan)
    if plan.status != PlanStatus.PENDING:
        return _acted(plan, error=f"Kế hoạch đang ở trạng thái “{plan.status.label}”, không trả lại được.")
    note = clean_text(request.form.get("note", ""), multiline=True)
    if not note:
        return _acted(plan, error="Trả lại: " + REQUIRED)
    if len(note) > RETURN_NOTE_LIMIT:
        return _acted(plan, error="Ý kiến trả lại: " + too_long(RETURN_NOTE_LIMIT))
    if not transition(current_user, plan, PlanStatus.DRAFT, "return", note=note):
        return _stale(plan_id)
    db.session.commit()
    return _acted(plan, "Đã trả lại kế hoạch để sửa.")


@bp.post("/plans/<id:plan_id>/copy")
@access(Access.WRITER)
def copy(plan_id: int):
    """Create next year's draft from this plan; province plan: TCKT or admin; own plan: the unit."""
    plan = get_plan_to_copy(plan_id, may=can_manage_plan)
    existing = next_year_plan(plan)
    if existing is not None:
        return _acted(plan, error=f"Đã có kế hoạch năm {plan.draft_year} ({existing.code}); không tạo thêm bản thứ hai.")
    parent = None
    if plan.parent_plan_id is not None:
        parent = province_plan_of_year(plan.draft_year)
        if parent is None:
            return _acted(plan, error=f"Tỉnh đoàn chưa có kế hoạch năm {plan.draft_year} để đơn vị căn cứ.")
    new_plan, skipped = copy_plan(current_user, plan, parent)
    db.session.commit()
    message = f"Đã tạo dự thảo kế hoạch năm {new_plan.year}. Vui lòng điền số kế hoạch."
    if skipped:
        message += f" Bỏ qua {skipped} nhiệm vụ của đơn vị đã ngừng hoạt động."
    return after_write(url_for("plan.edit", plan_id=new_plan.id), message)
