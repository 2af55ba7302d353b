"""The cascade: units acknowledge (quán triệt) a plan and build their own plans on it."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import func

from danvan.access import Access, access, can_acknowledge, require
from danvan.extensions import db
from danvan.formatting import vn_sort_key
from danvan.orm import Acknowledgement, Initiative, Plan, Unit, User, lock_row, record_change
from danvan.plan import bp
from danvan.plan.document import DOCUMENT, document_context, own_acknowledgement
from danvan.plan.forms import AcknowledgeForm
from danvan.plan.queries import get_plan, receiving_unit_ids
from danvan.web import after_write, form_error, render_page


def _may_acknowledge(user: User, plan: Plan) -> bool:
    return can_acknowledge(user, plan, receiving_unit_ids(plan))


def _in_plan_year(plan: Plan, day: date) -> bool:
    return plan.issued_on is None or plan.issued_on <= day <= date(plan.year, 12, 31)


@bp.post("/plans/<id:plan_id>/acknowledge")
@access(Access.WRITER)
def acknowledge(plan_id: int):
    """Record that the user's own unit has briefed its members on the plan; back to the plan."""
    plan = get_plan(plan_id)
    require(_may_acknowledge, plan)
    form = AcknowledgeForm()
    lock_row(Unit, current_user.unit_id)  # a double tap records one quán triệt, not a database error
    existing = own_acknowledgement(plan)
    valid = form.validate_on_submit()
    if valid and not _in_plan_year(plan, form.briefed_on.data):
        form.briefed_on.errors.append(f"Ngày quán triệt phải từ ngày ban hành kế hoạch đến hết năm {plan.year}.")
        valid = False
    if not valid:
        return form_error(DOCUMENT, "acknowledgement", plan=plan, ack=existing, ack_form=form,
                          can_acknowledge=True, whole_page=lambda: document_context(plan, ack_form=form))
    ack = existing or Acknowledgement(plan_id=plan.id, unit_id=current_user.unit_id)
    before = {"briefed_on": ack.briefed_on, "members_briefed": ack.members_briefed} if existing else {}
    ack.briefed_on = form.briefed_on.data
    ack.members_briefed = form.members_briefed.data
    ack.note = form.note.data
    ack.created_by_id = current_user.id
    db.session.add(ack)
    db.session.flush()
    record_change(current_user, "acknowledge", "plan", plan.id, before=before,
                  briefed_on=ack.briefed_on, members_briefed=ack.members_briefed)
    db.session.commit()
    return after_write(url_for("plan.document", plan_id=plan.id), "Đã ghi nhận việc quán triệt kế hoạch.",
                       lambda: render_block(DOCUMENT, "acknowledgement", plan=plan, ack=ack, ack_form=form,
                                            can_acknowledge=True))


@bp.get("/plans/<id:plan_id>/cascade")
@access(Access.MEMBER)
def cascade(plan_id: int):
    """Return, per receiving unit, whether it acknowledged the plan and built its own plan."""
    plan = get_plan(plan_id)
    unit_ids = receiving_unit_ids(plan)
    units = db.session.scalars(db.select(Unit).where(Unit.id.in_(unit_ids))).all()
    acks = {
        a.unit_id: a
        for a in db.session.scalars(db.select(Acknowledgement).where(Acknowledgement.plan_id == plan.id))
    }
    own_plans = {
        p.owner_unit_id: p
        for p in db.session.scalars(db.select(Plan).where(Plan.parent_plan_id == plan.id))
    }
    own_counts = dict(
        db.session.execute(
            db.select(Plan.owner_unit_id, func.count(Initiative.id))
            .join(Initiative, Initiative.plan_id == Plan.id)
            .where(Plan.parent_plan_id == plan.id)
            .group_by(Plan.owner_unit_id)
        ).all()
    )
    rows = [
        {"unit": u, "ack": acks.get(u.id), "own_plan": own_plans.get(u.id), "own_count": own_counts.get(u.id, 0)}
        for u in sorted(units, key=lambda u: (u.kind != "district", u.kind, vn_sort_key(u.name)))
    ]
    return render_page("plan/cascade.html", "table", plan=plan, rows=rows,
                       acknowledged=sum(1 for r in rows if r["ack"]),
                       with_own_plan=sum(1 for r in rows if r["own_plan"]))
