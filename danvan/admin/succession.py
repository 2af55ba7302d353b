"""What closing a unit touches: the plans that name it, its live duties, its successors, its
logins and its shares. The views in admin/units.py ask and answer the administrator; these
functions read and write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, union

from danvan.auth.sessions import end_all_sessions
from danvan.extensions import db
from danvan.orm import (
    OPEN_STATES,
    Allocation,
    Assignment,
    Initiative,
    Plan,
    Report,
    ReportingPeriod,
    Target,
    Task,
    Unit,
    UnitSuccession,
)


@dataclass(frozen=True)
class Duties:
    """What plans still in force ask of a unit: it all stays visible after the unit closes."""

    tasks: int
    shares: int
    open_reports: int

    def __bool__(self) -> bool:
        return bool(self.tasks or self.shares or self.open_reports)


def _share_ids(unit_id: int, from_year: int):
    return (db.select(Allocation.id).join(Target, Allocation.target_id == Target.id)
            .join(Initiative, Target.initiative_id == Initiative.id).join(Plan, Initiative.plan_id == Plan.id)
            .where(Allocation.unit_id == unit_id, Plan.year >= from_year))


def duties_of(unit: Unit, from_year: int) -> Duties:
    """Count the unit's tasks and shares in plans of `from_year` on, and its open reports."""
    tasks = db.session.scalar(
        db.select(func.count(Task.id)).join(Assignment, Task.assignment_id == Assignment.id)
        .join(Plan, Assignment.plan_id == Plan.id).where(Task.unit_id == unit.id, Plan.year >= from_year))
    shares = db.session.scalar(db.select(func.count()).select_from(_share_ids(unit.id, from_year).subquery()))
    reports = db.session.scalar(
        db.select(func.count(Report.id)).where(Report.unit_id == unit.id, Report.status.in_(OPEN_STATES)))
    return Duties(tasks=tasks, shares=shares, open_reports=reports)


def last_plan_naming(unit: Unit) -> Plan | None:
    """Return the latest-issued plan that gives the unit a task, a share or a report to write."""
    naming = union(
        db.select(Assignment.plan_id).join(Task, Task.assignment_id == Assignment.id).where(Task.unit_id == unit.id),
        db.select(Initiative.plan_id).join(Target, Target.initiative_id == Initiative.id)
        .join(Allocation, Allocation.target_id == Target.id).where(Allocation.unit_id == unit.id),
        db.select(ReportingPeriod.plan_id).join(Report, Report.period_id == ReportingPeriod.id)
        .where(Report.unit_id == unit.id),
    ).subquery()
    return db.session.scalar(
        db.select(Plan).where(Plan.id.in_(db.select(naming.c[0])), Plan.issued_on.is_not(None))
        .order_by(Plan.issued_on.desc(), Plan.id.desc()).limit(1))


def move_shares(unit: Unit, successor: Unit, from_year: int) -> list[dict]:
    """Hand the unit's shares in plans of `from_year` on to its successor (added to a share the
    successor already holds); return what moved, for the trail."""
    moved = []
    shares = db.session.scalars(db.select(Allocation).where(Allocation.id.in_(_share_ids(unit.id, from_year)))).all()
    holding = {a.target_id: a for a in db.session.scalars(db.select(Allocation).where(
        Allocation.unit_id == successor.id, Allocation.target_id.in_([s.target_id for s in shares])))}
    for share in shares:
        held = holding.get(share.target_id)
        moved.append({"target_id": share.target_id, "amount": share.amount})
        if held is None:
            share.unit_id = successor.id
        else:
            held.amount += share.amount
            db.session.delete(share)
    return moved


def close(unit: Unit, closed_on: date, successors: list[Unit], logins_to: Unit | None,
          shares_to: Unit | None) -> dict:
    """Close the unit from `closed_on` with its successors; move or lock its logins, move its
    live shares when asked. Return the trail's detail of what was done besides the closing."""
    users = list(unit.users)
    unit.closed_on = closed_on
    for successor in successors:
        db.session.add(UnitSuccession(predecessor_id=unit.id, successor_id=successor.id, on=closed_on))
    for user in users:  # logged out now: what they may do has changed under them
        end_all_sessions(user.id)
    detail: dict = {"successors": [s.id for s in successors]} if successors else {}
    if logins_to is not None:
        for user in users:
            user.unit_id = logins_to.id
        detail["moved_logins"] = {"to": logins_to.id, "usernames": [u.username for u in users]}
    else:
        locked = [u for u in users if u.active]
        for user in locked:
            user.active = False
        detail["disabled_logins"] = [u.username for u in locked]
    if shares_to is not None:
        detail["moved_shares"] = {"to": shares_to.id, "shares": move_shares(unit, shares_to, closed_on.year)}
    return detail


def forget_successors(unit: Unit) -> list[int]:
    """Remove the successor links of a unit being reopened; return who they named, for the trail."""
    links = db.session.scalars(db.select(UnitSuccession).where(UnitSuccession.predecessor_id == unit.id)).all()
    for link in links:
        db.session.delete(link)
    return [link.successor_id for link in links]
