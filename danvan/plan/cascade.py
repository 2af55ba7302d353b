"""The cascade: units acknowledge (quán triệt) a plan and build their own plans on it."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func
from wtforms import DateField
from wtforms.validators import DataRequired

from danvan.access import Access, access, is_read_only
from danvan import clock
from danvan.extensions import db
from danvan.forms import AmountField, FlaskForm, LongTextField, optional_text
from danvan.formatting import vn_sort_key
from danvan.orm import Acknowledgement, Assignment, Initiative, Plan, Task, Unit, record_change
from danvan.orm.plan import assignment_coordinator
from danvan.plan import bp
from danvan.plan.queries import get_plan
from danvan.web import render_page


class AcknowledgeForm(FlaskForm):
    briefed_on = DateField("Ngày quán triệt", validators=[DataRequired("Vui lòng chọn ngày.")])
    members_briefed = AmountField("Số cán bộ, đoàn viên được quán triệt", max_value=1_000_000)
    note = LongTextField("Ghi chú", validators=optional_text(2000))


def receiving_unit_ids(plan: Plan) -> set[int]:
    """Return the ids of the units a plan gives work to: assignees and coordinating units."""
    assignees = db.select(Task.unit_id).join(Assignment).where(Assignment.plan_id == plan.id)
    helpers = (
        db.select(assignment_coordinator.c.unit_id)
        .join(Assignment, Assignment.id == assignment_coordinator.c.assignment_id)
        .where(Assignment.plan_id == plan.id)
    )
    return set(db.session.scalars(assignees.union(helpers)))


def may_acknowledge(user, plan: Plan) -> bool:
    """A receiving unit acknowledges for itself; read-only bodies and the issuer do not."""
    return (
        not is_read_only(user)
        and user.unit_id != plan.owner_unit_id
        and user.unit_id in receiving_unit_ids(plan)
    )


def acknowledgement_context(plan: Plan) -> dict:
    """Return what the plan page needs to show and take the user's unit's acknowledgement."""
    allowed = may_acknowledge(current_user, plan)
    ack = db.session.scalar(
        db.select(Acknowledgement).where(
            Acknowledgement.plan_id == plan.id, Acknowledgement.unit_id == current_user.unit_id
        )
    )
    form = AcknowledgeForm(obj=ack) if allowed else None
    if form is not None and ack is None:
        form.briefed_on.data = clock.today()
    return {"ack": ack, "ack_form": form, "can_acknowledge": allowed}


def _in_plan_year(plan: Plan, day: date) -> bool:
    return plan.issued_on is None or plan.issued_on <= day <= date(plan.year, 12, 31)


@bp.post("/plans/<id:plan_id>/acknowledge")
@access(Access.WRITER)
def acknowledge(plan_id: int):
    """Record that the user's own unit has briefed its members on the plan; back to the plan."""
    plan = get_plan(plan_id)
    if not may_acknowledge(current_user, plan):
        abort(403)
    form = AcknowledgeForm()
    existing = db.session.scalar(
        db.select(Acknowledgement).where(
            Acknowledgement.plan_id == plan.id, Acknowledgement.unit_id == current_user.unit_id
        )
    )
    if form.validate_on_submit() and not _in_plan_year(plan, form.briefed_on.data):
        form.briefed_on.errors.append(
            f"Ngày quán triệt phải từ ngày ban hành kế hoạch đến hết năm {plan.year}."
        )
    elif form.validate_on_submit():
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
        if not request.htmx:
            flash("Đã ghi nhận việc quán triệt kế hoạch.")
            return redirect(url_for("plan.document", plan_id=plan.id))
        existing = ack
    return render_page(
        "plan/document.html", "acknowledgement", plan=plan, ack=existing, ack_form=form,
        can_acknowledge=True,
    )


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
