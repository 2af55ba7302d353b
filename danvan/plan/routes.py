"""The home page of a unit and the plan document."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan.access import Access, access
from danvan.extensions import db
from danvan.orm import Assignment, Initiative, Plan, Task, Unit
from danvan.orm.plan import initiative_coordinator
from danvan.models.rollup import my_shares
from danvan.plan import bp, live
from danvan.plan.cascade import acknowledgement_context
from danvan.plan.queries import get_plan
from danvan.plans.routes import actions_context
from danvan.reports.workflow import owed_by


def unit_overview(unit: Unit) -> dict:
    """Return what the plans ask of a unit: its tasks, and the mô hình it leads or helps on."""
    tasks = db.session.scalars(
        db.select(Task)
        .join(Task.assignment)
        .join(Assignment.plan)
        .where(Task.unit_id == unit.id)
        .order_by(Plan.year.desc(), Assignment.position)
        .options(selectinload(Task.assignment).selectinload(Assignment.plan))
    ).all()
    helping = db.select(initiative_coordinator.c.initiative_id).where(
        initiative_coordinator.c.unit_id == unit.id
    )
    initiatives = db.session.scalars(
        db.select(Initiative)
        .where((Initiative.lead_unit_id == unit.id) | Initiative.id.in_(helping))
        .order_by(Initiative.plan_id.desc(), Initiative.position)
        .options(selectinload(Initiative.targets))
    ).all()
    return {"tasks": tasks, "initiatives": initiatives}


@bp.get("/")
@access(Access.MEMBER)
def home():
    """Return the logged-in unit's home page: its tasks, its mô hình, the plans."""
    plans = db.session.scalars(db.select(Plan).order_by(Plan.year.desc(), Plan.id)).all()
    overview = unit_overview(current_user.unit)
    return render_template(
        "plan/home.html", unit=current_user.unit, plans=plans, **overview,
        counts=live.counts(t.id for t in overview["tasks"]),
        standing_unit_id=next((p.standing_unit_id for p in plans), None),
        shares=my_shares(current_user.unit),
        owed_reports=owed_by(current_user.unit),
    )


@bp.get("/plans/<id:plan_id>")
@access(Access.MEMBER)
def document(plan_id: int):
    """Return a plan laid out like the official document, printable on A4."""
    plan = get_plan(plan_id)
    return render_template("plan/document.html", **acknowledgement_context(plan), **actions_context(plan))
