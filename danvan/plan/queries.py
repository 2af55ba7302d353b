"""Loading plans: scoped getters for the plan views, and the questions asked of a plan."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from danvan.access import Rule, require
from danvan.extensions import db
from danvan.orm import Assignment, Change, Initiative, Plan, Task, show_units_of_year
from danvan.orm.plan import assignment_coordinator

# Workflow steps as the plan's history names them.
TRANSITIONS = {
    "create": "Tạo dự thảo",
    "copy": "Tạo dự thảo từ kế hoạch năm trước",
    "submit": "Trình Ban Thường vụ",
    "return": "Trả lại để sửa",
    "issue": "Ký ban hành",
}


def get_plan(plan_id: int) -> Plan:
    """Return a plan with everything its document shows, or 404; every login may read plans.

    The page is about the plan's year: units show the names they had then."""
    plan = db.first_or_404(
        db.select(Plan)
        .where(Plan.id == plan_id)
        .options(
            selectinload(Plan.purposes),
            selectinload(Plan.contents),
            selectinload(Plan.recipients),
            selectinload(Plan.initiatives).selectinload(Initiative.targets),
            selectinload(Plan.assignments),
        )
    )
    show_units_of_year(plan.year)
    return plan


def get_plan_to_edit(plan_id: int, may: Rule) -> Plan:
    """Return a plan with all the editor shows, fresh from the database; 404, or 403 when `may` refuses."""
    plan = db.first_or_404(
        db.select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.purposes), selectinload(Plan.contents), selectinload(Plan.recipients),
            selectinload(Plan.assignments).selectinload(Assignment.unit),
            selectinload(Plan.assignments).selectinload(Assignment.coordinating_units),
            selectinload(Plan.assignments).selectinload(Assignment.tasks).selectinload(Task.unit),
        ).execution_options(populate_existing=True))
    require(may, plan)
    show_units_of_year(plan.year)
    return plan


def get_plan_to_act(plan_id: int, may: Rule | None) -> Plan:
    """Return a plan for a workflow step; 404, or 403 when `may` refuses (the step checks the state)."""
    plan = db.first_or_404(db.select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.parent_plan)))
    require(may, plan)
    show_units_of_year(plan.year)
    return plan


def get_plan_to_copy(plan_id: int, may: Rule) -> Plan:
    """Return a plan with everything a copy reads, in a fixed number of queries; 404 or 403."""
    plan = db.first_or_404(
        db.select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.purposes), selectinload(Plan.contents), selectinload(Plan.recipients),
            selectinload(Plan.parent_plan),
            selectinload(Plan.initiatives).selectinload(Initiative.targets),
            selectinload(Plan.initiatives).selectinload(Initiative.coordinating_units),
            selectinload(Plan.assignments).selectinload(Assignment.unit),
            selectinload(Plan.assignments).selectinload(Assignment.coordinating_units),
            selectinload(Plan.assignments).selectinload(Assignment.initiatives),
        ))
    require(may, plan)
    return plan


def receiving_unit_ids(plan: Plan) -> set[int]:
    """Return the ids of the units a plan gives work to: assignees and coordinating units."""
    assignees = db.select(Task.unit_id).join(Assignment).where(Assignment.plan_id == plan.id)
    helpers = (
        db.select(assignment_coordinator.c.unit_id)
        .join(Assignment, Assignment.id == assignment_coordinator.c.assignment_id)
        .where(Assignment.plan_id == plan.id)
    )
    return set(db.session.scalars(assignees.union(helpers)))


def history(plan: Plan) -> list[Change]:
    """Return the plan's workflow changes, oldest first (one query)."""
    return db.session.scalars(
        db.select(Change).where(Change.object_type == "plan", Change.object_id == plan.id,
                                Change.action.in_(TRANSITIONS))
        .order_by(Change.id).options(selectinload(Change.user), selectinload(Change.unit))
    ).all()


def next_year_plan(plan: Plan) -> Plan | None:
    """Return the plan already made for the year after `plan`, by the same unit, if any."""
    query = db.select(Plan).where(Plan.year == plan.draft_year, Plan.owner_unit_id == plan.owner_unit_id)
    if plan.parent_plan_id is not None:
        query = query.where(Plan.parent_plan_id.is_not(None))
    else:
        query = query.where(Plan.parent_plan_id.is_(None))
    return db.session.scalar(query.order_by(Plan.id).limit(1))


def province_plan_of_year(year: int) -> Plan | None:
    """Return the province's plan of a year (the first one made), if any."""
    return db.session.scalar(
        db.select(Plan).where(Plan.year == year, Plan.parent_plan_id.is_(None)).order_by(Plan.id).limit(1))
