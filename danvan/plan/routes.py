"""The home page of a unit and the plan document."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, is_coordinator, is_leadership
from danvan.extensions import db
from danvan.orm import Assignment, Initiative, Plan, Task, Unit, current_province_plan
from danvan.orm.plan import initiative_coordinator
from danvan.models.rollup import my_shares, totals_for
from danvan.plan import bp, live
from danvan.plan.cascade import acknowledgement_context
from danvan.plan.overview import province_summary
from danvan.plan.queries import get_plan
from danvan.plans.routes import actions_context
from danvan.reports.workflow import owed_by


def unit_overview(unit: Unit) -> dict:
    """Return what the plans ask of a unit: its tasks, and the mô hình it helps on.

    The mô hình it leads come with its shares (models.rollup.my_shares), not here again.
    """
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
        .where(Initiative.id.in_(helping))
        .order_by(Initiative.plan_id.desc(), Initiative.position)
        .options(selectinload(Initiative.targets))
    ).all()
    return {"tasks": tasks, "initiatives": initiatives}


@bp.get("/")
@access(Access.MEMBER)
def home():
    """Return the logged-in unit's home page: its tasks, its mô hình, the plans."""
    unit = current_user.unit
    # The province's plans and the unit's own; other units' own plans are a click away.
    plans = db.session.scalars(
        db.select(Plan)
        .where(Plan.parent_plan_id.is_(None) | (Plan.owner_unit_id == unit.id))
        .order_by(Plan.year.desc(), Plan.id)
    ).all()
    overview = unit_overview(current_user.unit)
    shares = my_shares(unit)
    return render_template(
        "plan/home.html", unit=current_user.unit, plans=plans, **overview,
        counts=live.counts(t.id for t in overview["tasks"]),
        standing_unit_id=next((p.standing_unit_id for p in plans), None),
        shares=shares,
        # A lead unit follows the whole mô hình: every unit's results, not only its own.
        lead_totals=totals_for([s.target for s in shares if s.lead]),
        owed_reports=owed_by(current_user.unit),
        province=_province_at_a_glance(),
    )


def _province_at_a_glance() -> dict | None:
    """Return the province summary for the leadership, the plan's standing unit and admin."""
    plan = current_province_plan()
    if plan is None:
        return None
    coordinator = is_coordinator(current_user, plan)
    if not (coordinator or is_leadership(current_user)):
        return None
    return province_summary(plan, with_reports=True)


@bp.get("/plans/<id:plan_id>")
@access(Access.MEMBER)
def document(plan_id: int):
    """Return a plan laid out like the official document, printable on A4."""
    plan = get_plan(plan_id)
    return render_template("plan/document.html", **acknowledgement_context(plan), **actions_context(plan))
