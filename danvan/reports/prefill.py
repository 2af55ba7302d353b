"""What units recorded in a period, read straight from the progress tables with GROUP BY.

The numbers that pre-fill a unit's report (live while it is a draft, frozen at submit) and
the province's own progress for the compiled report. One query per kind, whatever the number
of units. Checklist completion is `checklist_counts`, the one place to change when checklist
items arrive.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select, union

from danvan.extensions import db
from danvan.orm import (
    Allocation,
    Assignment,
    House,
    Initiative,
    Plan,
    ProgressEntry,
    Road,
    Target,
    Task,
    WorkStatus,
)
from danvan.orm.report import ReportingPeriod


def plan_targets(plan_id: int) -> list[dict]:
    """Return every target of the plan's mô hình, in document order, as plain dicts."""
    rows = db.session.execute(
        select(Target.id, Target.label, Target.measure, Target.amount,
               Initiative.id, Initiative.title, Initiative.field)
        .join(Initiative, Target.initiative_id == Initiative.id)
        .where(Initiative.plan_id == plan_id)
        .order_by(Initiative.position, Target.position)
    ).all()
    return [
        {"target_id": t_id, "label": label, "measure": measure.value, "target": amount,
         "initiative_id": i_id, "initiative": title, "field": field.value}
        for t_id, label, measure, amount, i_id, title, field in rows
    ]


def checklist_counts(plan_id: int, unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Return {unit id: (tasks done, tasks)} for the plan; the checklist helper refines this."""
    rows = db.session.execute(
        select(Task.unit_id, func.count(Task.done_at), func.count(Task.id))
        .join(Assignment, Task.assignment_id == Assignment.id)
        .where(Assignment.plan_id == plan_id, Task.unit_id.in_(unit_ids))
        .group_by(Task.unit_id)
    ).all()
    return {unit_id: (done, total) for unit_id, done, total in rows}


def numbers_for_units(period: ReportingPeriod, unit_ids: list[int]) -> dict[int, dict]:
    """Return {unit id: numbers} recorded between the period's start and its cut-off date."""
    plan_id, start, end = period.plan_id, period.starts_on, period.cut_off_on
    targets = plan_targets(plan_id)
    target_ids = [t["target_id"] for t in targets]
    # Corrections are signed rows, so the net value is a plain sum.
    progress = db.session.execute(
        select(ProgressEntry.unit_id, ProgressEntry.target_id, func.sum(ProgressEntry.amount))
        .where(ProgressEntry.unit_id.in_(unit_ids), ProgressEntry.target_id.in_(target_ids),
               ProgressEntry.recorded_on >= start, ProgressEntry.recorded_on <= end)
        .group_by(ProgressEntry.unit_id, ProgressEntry.target_id)
    ).all()
    shares = db.session.execute(
        select(Allocation.unit_id, Allocation.target_id, Allocation.amount)
        .where(Allocation.unit_id.in_(unit_ids), Allocation.target_id.in_(target_ids))
    ).all()
    in_plan = (
        select(Initiative.id).join(Plan, Initiative.plan_id == Plan.id)
        .where(or_(Plan.id == plan_id, Plan.parent_plan_id == plan_id))
    )
    houses = db.session.execute(
        select(House.unit_id, func.count(House.id), func.coalesce(func.sum(House.funds_mobilised), 0))
        .where(House.unit_id.in_(unit_ids), House.status == WorkStatus.DONE,
               House.handed_over_on >= start, House.handed_over_on <= end,
               House.initiative_id.in_(in_plan))
        .group_by(House.unit_id)
    ).all()
    roads = db.session.execute(
        select(Road.unit_id, func.count(Road.id), func.coalesce(func.sum(Road.length_m), 0))
        .where(Road.unit_id.in_(unit_ids), Road.status == WorkStatus.DONE,
               Road.completed_on >= start, Road.completed_on <= end,
               Road.initiative_id.in_(in_plan))
        .group_by(Road.unit_id)
    ).all()
    own = db.session.execute(
        select(Plan.owner_unit_id, Initiative.title, Initiative.field)
        .join(Plan, Initiative.plan_id == Plan.id)
        .where(Plan.parent_plan_id == plan_id, Plan.owner_unit_id.in_(unit_ids))
        .order_by(Plan.owner_unit_id, Initiative.position)
    ).all()
    checklist = checklist_counts(plan_id, unit_ids)

    amounts = {(u, t): int(a) for u, t, a in progress}
    share_of = {(u, t): int(a) for u, t, a in shares}
    own_of: dict[int, list[dict]] = defaultdict(list)
    for unit_id, title, field in own:
        own_of[unit_id].append({"title": title, "field": field.value})
    house_of = {u: (n, int(f)) for u, n, f in houses}
    road_of = {u: (n, int(m)) for u, n, m in roads}
    result = {}
    for unit_id in unit_ids:
        rows = [
            t | {"share": share_of.get((unit_id, t["target_id"])),
                 "amount": amounts.get((unit_id, t["target_id"]), 0)}
            for t in targets
            if (unit_id, t["target_id"]) in amounts or (unit_id, t["target_id"]) in share_of
        ]
        n_houses, funds = house_of.get(unit_id, (0, 0))
        n_roads, length = road_of.get(unit_id, (0, 0))
        done, total = checklist.get(unit_id, (0, 0))
        result[unit_id] = {
            "targets": rows,
            "houses": {"count": n_houses, "funds": funds},
            "roads": {"count": n_roads, "length_m": length},
            "own_initiatives": own_of.get(unit_id, []),
            "checklist": {"done": done, "total": total},
        }
    return result


def live_numbers(period: ReportingPeriod, unit_id: int) -> dict:
    """Return one unit's recorded numbers for the period, as they are now."""
    return numbers_for_units(period, [unit_id])[unit_id]


def units_with_progress(period: ReportingPeriod) -> list[int]:
    """Return the ids of units that recorded anything on the plan's mô hình in the period."""
    start, end = period.starts_on, period.cut_off_on
    targets = select(Target.id).join(Initiative).where(Initiative.plan_id == period.plan_id)
    initiatives = select(Initiative.id).where(Initiative.plan_id == period.plan_id)
    query = union(
        select(ProgressEntry.unit_id).where(
            ProgressEntry.target_id.in_(targets),
            ProgressEntry.recorded_on >= start, ProgressEntry.recorded_on <= end),
        select(House.unit_id).where(
            House.initiative_id.in_(initiatives), House.status == WorkStatus.DONE,
            House.handed_over_on >= start, House.handed_over_on <= end),
        select(Road.unit_id).where(
            Road.initiative_id.in_(initiatives), Road.status == WorkStatus.DONE,
            Road.completed_on >= start, Road.completed_on <= end),
    )
    return list(db.session.scalars(query))
