"""The province at a glance, for the standing committee and the organisation board: one plan's
targets vs results, checklist, quán triệt and reports, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask import get_template_attribute
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from danvan.checklist.completion import completion, counts, task_done
from danvan.clock import today
from danvan.extensions import db
from danvan.models.rollup import percent, plan_rollup, totals_for
from danvan.orm import (
    OPEN_STATES,
    Acknowledgement,
    Assignment,
    Initiative,
    Plan,
    Report,
    ReportingPeriod,
    ReportStatus,
    Task,
    Unit,
)
from danvan.pagecache import kept_part
from danvan.plan.queries import receiving_unit_ids
from danvan.reports.workflow import days_late

GLANCE_LINES = "home/_glance_lines.html"


@dataclass(frozen=True)
class GlanceStanding:
    """The lines of the glance no checklist write changes, rendered: targets vs results, quán
    triệt, reports. The same for every reader: kept per plan, counters of all but checklists, and day."""

    targets: Markup
    cascade_and_reports: Markup

    @property
    def size(self) -> int:
        return len(self.targets) + len(self.cascade_and_reports)


def province_glance(plan: Plan) -> dict:
    """Return targets vs results, checklist, cascade and report counts of a plan (fixed queries).

    A tick changes the checklist counts only: they are read afresh, the rest is kept."""
    standing = kept_part(("glance", plan.id), lambda: _glance_standing(plan), readers_own=False)
    tasks = db.session.execute(
        db.select(Task.id, Task.done_at).join(Assignment).where(Assignment.plan_id == plan.id)
    ).all()
    item_counts = counts(task_id for task_id, _ in tasks)
    tasks_done = sum(
        task_done(done_at, item_counts[task_id][0], item_counts[task_id][1]) for task_id, done_at in tasks
    )
    return {
        "plan": plan,
        "targets": standing.targets,
        "cascade_and_reports": standing.cascade_and_reports,
        "tasks": len(tasks),
        "tasks_done": tasks_done,
        "items_total": sum(c[1] for c in item_counts.values()),
        "items_done": sum(c[0] for c in item_counts.values()),
        "items_late": sum(c[2] for c in item_counts.values()),
    }


def _glance_standing(plan: Plan) -> GlanceStanding:
    """Read and render the glance's lines that no checklist write changes."""
    standing = {
        "plan_id": plan.id,
        "receiving": len(receiving_unit_ids(plan)),
        "acknowledged": db.session.scalar(
            db.select(func.count()).select_from(Acknowledgement).where(Acknowledgement.plan_id == plan.id)
        ),
        "own_plans": db.session.scalar(
            db.select(func.count()).select_from(Plan).where(Plan.parent_plan_id == plan.id)
        ),
        "period": None,
    }
    period = db.session.scalar(
        db.select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)
        .order_by(ReportingPeriod.due_on.desc()).limit(1)
    )
    if period is not None:
        by_state = dict(db.session.execute(
            db.select(Report.status, func.count()).where(Report.period_id == period.id)
            .group_by(Report.status)
        ).all())
        standing["period"] = period
        standing["reports"] = [(state, by_state[state]) for state in ReportStatus if by_state.get(state)]
        overdue = today() > period.due_on
        standing["reports_late"] = sum(by_state.get(s, 0) for s in OPEN_STATES) if overdue else 0
    return GlanceStanding(get_template_attribute(GLANCE_LINES, "targets")(plan_rollup(plan)),
                          get_template_attribute(GLANCE_LINES, "cascade_and_reports")(standing))


@dataclass(frozen=True)
class UnitTargets:
    """What no checklist write changes of how far one unit is on the plan: its shares, its report."""

    unit_id: int
    name: str
    position: int
    targets: int | None  # mean percent of its shares reached, each capped at 100 (None: no share)
    report_status: str | None  # the label of its report's state (None: none owed)
    days_late: int


@dataclass(frozen=True)
class PlanTargets:
    """Every receiving unit's `UnitTargets`: kept per plan, counters of all but checklists, and
    day, for every reader."""

    units: tuple[UnitTargets, ...]

    @property
    def size(self) -> int:
        return 200 * len(self.units)


@dataclass(frozen=True)
class Standing:
    """How far one unit is on the plan: its checklist, its shares of the targets, its report."""

    unit: UnitTargets
    checklist: int | None  # percent of its việc cần làm done (None: it has none)

    @property
    def score(self) -> tuple:
        """Furthest behind first: a late report, then the lower of the two percentages."""
        known = [p for p in (self.checklist, self.unit.targets) if p is not None]
        return (-self.unit.days_late, min(known) if known else 100, self.unit.position)


def units_behind(plan: Plan, limit: int = 10) -> list[Standing]:
    """Return the units the plan gives work to, furthest behind first (fixed queries).

    A tick changes their checklists only: read afresh; their shares and reports are kept."""
    standing = kept_part(("behind", plan.id), lambda: _plan_targets(plan), readers_own=False)
    done = completion(plan.id, [u.unit_id for u in standing.units])
    rows = [Standing(u, percent(done[u.unit_id].items_done, done[u.unit_id].items) if done[u.unit_id].items else None)
            for u in standing.units]
    return sorted(rows, key=lambda row: row.score)[:limit]


def _plan_targets(plan: Plan) -> PlanTargets:
    """Read how far each receiving unit is on the plan's targets and reports."""
    ids = receiving_unit_ids(plan) - {plan.owner_unit_id, plan.standing_unit_id}
    units = {u.id: u for u in db.session.scalars(db.select(Unit).where(Unit.id.in_(ids)))}
    totals = totals_for([t for i in db.session.scalars(
        db.select(Initiative).where(Initiative.plan_id == plan.id).options(selectinload(Initiative.targets)))
        for t in i.targets])
    reached: dict[int, list[int]] = {}
    for total in totals.values():
        for line in total.units:
            if line.share and line.unit.id in units:
                reached.setdefault(line.unit.id, []).append(min(100, percent(line.actual, line.share)))
    period = db.session.scalar(db.select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)
                               .order_by(ReportingPeriod.due_on.desc()).limit(1))
    reports = {r.unit_id: r for r in db.session.scalars(db.select(Report).where(Report.period_id == period.id))
               } if period else {}
    on = today()
    return PlanTargets(tuple(
        UnitTargets(u, unit.name, unit.position, sum(reached[u]) // len(reached[u]) if u in reached else None,
                    reports[u].status.label if u in reports else None,
                    days_late(reports[u], period, on) if u in reports else 0)
        for u, unit in units.items()))
