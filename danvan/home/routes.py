"""The home page: what the plans ask of the logged-in unit, and for its leaders the whole province."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, is_leadership, is_read_only, is_standing_unit
from danvan.checklist.completion import counts
from danvan.extensions import db
from danvan.home import bp
from danvan.home.glance import province_glance, units_behind
from danvan.home.todo import todos_for
from danvan.models.rollup import my_shares, totals_for
from danvan.orm import Assignment, CompiledReport, Initiative, Plan, Task, Unit, current_province_plan
from danvan.orm.plan import initiative_coordinator
from danvan.pagecache import cached_page, depends_on_units
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
@cached_page()
def index():
    """Return the logged-in unit's home: what to do now, then its targets, reports, tasks and plans."""
    unit = current_user.unit
    current = current_province_plan()
    sees_province = _sees_province(current)
    if not sees_province:
        depends_on_units([unit.id])  # its own checklist is the only one its home shows
    # The province's plans and the unit's own; other units' own plans are a click away.
    plans = db.session.scalars(
        db.select(Plan)
        .where(Plan.parent_plan_id.is_(None) | (Plan.owner_unit_id == unit.id))
        .order_by(Plan.year.desc(), Plan.id)
    ).all()
    overview = unit_overview(unit)
    shares = my_shares(unit)
    todos = todos_for(current_user, current, shares)
    return render_template(
        "home/index.html", unit=unit, plans=plans, **overview,
        counts=counts(t.id for t in overview["tasks"]),
        standing_unit_id=next((p.standing_unit_id for p in plans), None),
        shares=shares,
        # A lead unit follows the whole mô hình: every unit's results, not only its own.
        lead_totals=totals_for([s.target for s in shares if s.lead]),
        owed_reports=owed_by(unit),
        todos=todos, unseen=any(t.reminder and t.reminder.seen_at is None for t in todos),
        glance=province_glance(current) if sees_province else None,
        behind=units_behind(current) if current and (is_leadership(current_user) or current_user.is_admin)
        else None,
        sent=_sent_compiled() if is_read_only(current_user) else None,
    )


def _sees_province(plan: Plan | None) -> bool:
    """The leadership, the standing unit, admin and the party mass-mobilisation board (which
    reads, and has no checklist of its own) see the whole province on their home."""
    return plan is not None and (is_standing_unit(current_user, plan) or is_leadership(current_user)
                                 or is_read_only(current_user))



def _sent_compiled() -> list[CompiledReport]:
    """The compiled reports sent to the party mass-mobilisation board, newest first."""
    return db.session.scalars(
        db.select(CompiledReport).where(CompiledReport.sent_at.is_not(None))
        .order_by(CompiledReport.sent_at.desc()).options(selectinload(CompiledReport.period))).all()
