"""The province at a glance, for the standing committee and the organisation board: one plan's
targets vs results, checklist, quán triệt and reports, in a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import func

from danvan.checklist.completion import counts, task_done
from danvan.clock import today
from danvan.extensions import db
from danvan.models.rollup import plan_rollup
from danvan.orm import OPEN_STATES, Acknowledgement, Assignment, Plan, Report, ReportingPeriod, ReportStatus, Task
from danvan.plan.queries import receiving_unit_ids


def province_glance(plan: Plan) -> dict:
    """Return targets vs results, checklist, cascade and report counts of a plan (fixed queries)."""
    tasks = db.session.execute(
        db.select(Task.id, Task.done_at).join(Assignment).where(Assignment.plan_id == plan.id)
    ).all()
    item_counts = counts(task_id for task_id, _ in tasks)
    tasks_done = sum(
        task_done(done_at, item_counts[task_id][0], item_counts[task_id][1]) for task_id, done_at in tasks
    )
    glance = {
        "plan": plan,
        "rollup": plan_rollup(plan),
        "tasks": len(tasks),
        "tasks_done": tasks_done,
        "items_total": sum(c[1] for c in item_counts.values()),
        "items_done": sum(c[0] for c in item_counts.values()),
        "items_late": sum(c[2] for c in item_counts.values()),
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
        glance["period"] = period
        glance["reports"] = [(state, by_state[state]) for state in ReportStatus if by_state.get(state)]
        overdue = today() > period.due_on
        glance["reports_late"] = sum(by_state.get(s, 0) for s in OPEN_STATES) if overdue else 0
    return glance
