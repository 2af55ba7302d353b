"""The numbers that pre-fill a unit's report (live while it is a draft, frozen at submit).

Nothing here reads the progress tables: every progress number comes from the mô hình roll-up
(`danvan.models.rollup.period_rollup`, the same rule as the mô hình pages, bounded by the period's
start and cut-off date), and checklist completion from the checklist's own count
(`danvan.checklist.completion`). This module only shapes them into the report's plain dict.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from danvan.checklist.completion import completion
from danvan.extensions import db
from danvan.models.rollup import PeriodRollup, period_rollup
from danvan.orm import Initiative, Plan, Target
from danvan.orm.report import ReportingPeriod


def _targets(plan_id: int, owner_ids: list[int] | None = None) -> list[Target]:
    """Return the plan's targets in document order, then those of the units' own plans based on it."""
    in_plan = Initiative.plan_id == plan_id
    if owner_ids:
        own = select(Plan.id).where(Plan.parent_plan_id == plan_id, Plan.owner_unit_id.in_(owner_ids))
        in_plan = or_(in_plan, Initiative.plan_id.in_(own))
    return list(db.session.scalars(
        select(Target).join(Target.initiative).where(in_plan)
        .order_by(Initiative.plan_id != plan_id, Initiative.plan_id, Initiative.position, Target.position)
        .options(contains_eager(Target.initiative))
    ))


def target_dict(target: Target) -> dict:
    """Return a target of the plan's mô hình as the plain dict a report snapshot keeps."""
    initiative = target.initiative
    return {"target_id": target.id, "label": target.label, "measure": target.measure.value,
            "target": target.amount, "initiative_id": initiative.id, "initiative": initiative.title,
            "field": initiative.field.value}


def plan_targets(plan_id: int) -> list[dict]:
    """Return every target of the plan's mô hình, in document order, as plain dicts."""
    return [target_dict(t) for t in _targets(plan_id)]


def checklist_text(checklist: dict) -> str:
    """Return "12/15 việc cần làm đã xong, 2/2 nhiệm vụ hoàn thành" (an older snapshot: tasks only)."""
    tasks = f"{checklist.get('done', 0)}/{checklist.get('total', 0)} nhiệm vụ hoàn thành"
    if "items" not in checklist:
        return tasks
    return f"{checklist['items_done']}/{checklist['items']} việc cần làm đã xong, {tasks}"


def checklist_numbers(plan_id: int, unit_ids: list[int]) -> dict[int, dict]:
    """Return {unit id: checklist dict} for the report: the checklist page's own counts."""
    return {
        unit_id: {"done": c.tasks_done, "total": c.tasks, "items_done": c.items_done, "items": c.items}
        for unit_id, c in completion(plan_id, unit_ids).items()
    }


def numbers_for_units(period: ReportingPeriod, unit_ids: list[int]) -> dict[int, dict]:
    """Return {unit id: numbers} achieved between the period's start and its cut-off date."""
    plan_id = period.plan_id
    targets = _targets(plan_id, unit_ids)
    roll: PeriodRollup = period_rollup(targets, period.starts_on, period.cut_off_on, unit_ids)
    province = [t for t in targets if t.initiative.plan_id == plan_id]
    own = db.session.execute(
        select(Plan.owner_unit_id, Initiative.title, Initiative.field)
        .join(Plan, Initiative.plan_id == Plan.id)
        .where(Plan.parent_plan_id == plan_id, Plan.owner_unit_id.in_(unit_ids))
        .order_by(Plan.owner_unit_id, Initiative.position)
    ).all()
    own_of: dict[int, list[dict]] = defaultdict(list)
    for unit_id, title, field in own:
        own_of[unit_id].append({"title": title, "field": field.value})
    checklist = checklist_numbers(plan_id, unit_ids)

    result = {}
    for unit_id in unit_ids:
        rows = []
        for target in province:
            line = roll.line(target.id, unit_id)
            if line is not None:
                rows.append(target_dict(target) | {"share": line.share, "amount": line.actual})
        works = roll.works.get(unit_id)
        result[unit_id] = {
            "targets": rows,
            "houses": {"count": works.houses if works else 0, "funds": works.funds if works else 0},
            "roads": {"count": works.roads if works else 0, "length_m": works.length_m if works else 0},
            "own_initiatives": own_of.get(unit_id, []),
            "checklist": checklist[unit_id],
        }
    return result


def live_numbers(period: ReportingPeriod, unit_id: int) -> dict:
    """Return one unit's recorded numbers for the period, as they are now."""
    return numbers_for_units(period, [unit_id])[unit_id]


def units_with_progress(period: ReportingPeriod) -> list[int]:
    """Return the ids of units that achieved anything on the plan's mô hình in the period."""
    return period_rollup(_targets(period.plan_id), period.starts_on, period.cut_off_on).active_unit_ids()
