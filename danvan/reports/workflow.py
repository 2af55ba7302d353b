"""The reporting schedule and a report's rounds: create a period, save, submit, review, what is late.

Who may take each step is in danvan/access.py; these functions change the rows and trace them.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import contains_eager

from danvan.clock import today
from danvan.extensions import db
from danvan.formatting import to_vietnam_time
from danvan.orm import OPEN_STATES, Plan, Unit, User, claim_version, open_local_unions, record_change, utcnow
from danvan.orm.report import (
    EventKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportLine,
    ReportStatus,
)
from danvan.reports.prefill import live_numbers


def days_late(report: Report, period: ReportingPeriod, on: date | None = None) -> int:
    """Return how many days an open report is past its due date (0 when not late)."""
    on = on or today()
    if report.status in OPEN_STATES and on > period.due_on:
        return (on - period.due_on).days
    return 0


def submitted_late(report: Report, period: ReportingPeriod) -> int:
    """Return how many days after the due date the report was first handed in (0 if on time)."""
    if report.first_submitted_at is None:
        return 0
    return max(0, (to_vietnam_time(report.first_submitted_at).date() - period.due_on).days)


def default_owing_units() -> list[Unit]:
    """Every open district and affiliated union: they report inside their annual report."""
    return open_local_unions()


def create_period(user: User, plan: Plan, units: list[Unit], **fields) -> ReportingPeriod:
    """Create a period and, at once, an empty report slot for every unit that owes one."""
    period = ReportingPeriod(plan=plan, owing_units=units, created_by_id=user.id, **fields)
    db.session.add(period)
    period.reports = [Report(unit=unit) for unit in units]
    db.session.flush()
    record_change(user, "create", "reporting_period", period.id, name=period.name,
                  units=[u.id for u in units], due_on=period.due_on)
    return period


def save_draft(user: User, report: Report, seen_version: int, narrative: dict,
               lines: list[tuple[str, int, str]]) -> bool:
    """Store the narrative and the unit's own numbers if the report is still at `seen_version`.

    False (nothing stored) when someone saved it first; the caller has checked its state.
    """
    if not claim_version(report, seen_version):
        return False
    for key, value in narrative.items():
        setattr(report, key, value)
    report.lines = [ReportLine(position=i, label=label, amount=amount, measure=measure)
                    for i, (label, amount, measure) in enumerate(lines)]
    if report.status is ReportStatus.NOT_STARTED:
        report.status = ReportStatus.DRAFT
    report.saved_at = utcnow()
    report.saved_by_id = user.id
    record_change(user, "save", "report", report.id, version=report.version, status=report.status)
    return True


def submit(user: User, report: Report, form_version: int) -> None:
    """Freeze the recorded numbers into the report and hand it in."""
    now = utcnow()
    report.snapshot = json.dumps(live_numbers(report.period, report.unit_id), ensure_ascii=False)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.version += 1
    db.session.add(ReportEvent(report_id=report.id, kind=EventKind.SUBMITTED, user_id=user.id,
                               unit_id=user.unit_id, version=form_version, at=now))
    record_change(user, "submit", "report", report.id, version=report.version)


def is_repeat_submit(report: Report, form_version: int | None) -> bool:
    """True when this submit already happened (a double click, a retried request)."""
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED) or not report.events:
        return False
    last_submit = [e for e in report.events if e.kind is EventKind.SUBMITTED][-1:]
    return bool(last_submit) and last_submit[0].version == form_version


def review(user: User, report: Report, accept: bool, section: str = "", comment: str = "") -> bool:
    """Accept a submitted report, or return it to its unit with a comment pinned to a section.

    False (nothing stored) when the report changed since it was loaded (another reviewer).
    """
    if not claim_version(report, report.version):
        return False
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    if not accept:
        # The unit edits again from live numbers; the old snapshot stays in no one's way.
        report.snapshot = None
    db.session.add(ReportEvent(
        report_id=report.id, kind=EventKind.ACCEPTED if accept else EventKind.RETURNED,
        user_id=user.id, unit_id=user.unit_id, version=report.version,
        section=section, comment=comment,
    ))
    record_change(user, "accept" if accept else "return", "report", report.id,
                  section=section, comment=comment)
    return True


def owed_by(unit: Unit) -> list[tuple[Report, int]]:
    """Return the unit's report slots, newest period first, with days late."""
    reports = db.session.scalars(
        db.select(Report).join(Report.period).where(Report.unit_id == unit.id)
        .order_by(ReportingPeriod.due_on.desc())
        .options(contains_eager(Report.period))
    ).all()
    on = today()
    return [(r, days_late(r, r.period, on)) for r in reports]
