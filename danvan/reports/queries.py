"""Loading reports, periods and compiled reports, each through a getter with its rule.

A report the account may not read is a 404 (a draft is its unit's business); a write it may not
make on one it reads is a 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan.access import (
    Rule,
    can_read_all_reports,
    can_read_compiled,
    can_read_report,
    can_review_reports,
    require,
)
from danvan.extensions import db
from danvan.orm import LOCAL_UNION_KINDS, Plan, Unit, UnitKind, show_units_as_on
from danvan.orm.report import CompiledReport, Report, ReportEvent, ReportingPeriod


def get_report(report_id: int, may: Rule | None = None) -> Report:
    """Return a report its unit, the standing unit or the standing committee reads; else 404.

    `may` is the write rule: 403 when it refuses an account that may read the report.
    """
    report = db.session.scalar(
        db.select(Report).where(Report.id == report_id).options(
            selectinload(Report.period).selectinload(ReportingPeriod.plan),
            selectinload(Report.unit), selectinload(Report.lines),
            selectinload(Report.events).selectinload(ReportEvent.user),
        )
    )
    if report is None or not can_read_report(current_user, report):
        abort(404)
    require(may, report)
    # A report is about its period: units show the names they had on its cut-off day.
    show_units_as_on(report.period.cut_off_on)
    return report


def _period(period_id: int) -> ReportingPeriod:
    period = db.first_or_404(db.select(ReportingPeriod).where(ReportingPeriod.id == period_id)
                             .options(selectinload(ReportingPeriod.plan)))
    show_units_as_on(period.cut_off_on)
    return period


def get_period(period_id: int, may: Rule | None = None) -> ReportingPeriod:
    """Return a period for those who read every report of its plan, else 404; 403 when `may` refuses."""
    period = _period(period_id)
    if not can_read_all_reports(current_user, period.plan):
        abort(404)
    require(may, period.plan)
    return period


def compiled_of(period: ReportingPeriod) -> CompiledReport | None:
    """Return the period's compiled report, if it has been compiled."""
    return db.session.scalar(db.select(CompiledReport).where(CompiledReport.period_id == period.id))


def get_compiled(period_id: int) -> tuple[ReportingPeriod, CompiledReport | None]:
    """Return a period and its compiled report; the read-only body sees it only once sent, else 404."""
    period = _period(period_id)
    compiled = compiled_of(period)
    if not can_read_compiled(current_user, period.plan, compiled):
        abort(404)
    return period, compiled


def get_compiled_to_change(period_id: int) -> tuple[ReportingPeriod, CompiledReport]:
    """Return a period and its existing compiled report for the plan's standing unit; else 403/404."""
    period, compiled = get_compiled(period_id)
    require(can_review_reports, period.plan)
    if compiled is None:
        abort(404)
    return period, compiled


def get_plan_for_schedule(plan_id: int) -> Plan:
    """Return a province plan whose standing unit opens reporting periods; 404 or 403 otherwise.

    A unit's own plan has no schedule: its unit must not oblige other units to report to it,
    nor read their reports as that plan's standing unit.
    """
    plan = db.get_or_404(Plan, plan_id)
    if plan.parent_plan_id is not None:
        abort(404)
    require(can_review_reports, plan)
    return plan


def schedulable_units() -> list[Unit]:
    """Return the open units that may owe a report: boards, office units, districts, affiliated unions."""
    kinds = [*LOCAL_UNION_KINDS, UnitKind.BOARD, UnitKind.OFFICE_CELL, UnitKind.OFFICE_UNION]
    return list(db.session.scalars(
        db.select(Unit).where(Unit.kind.in_(kinds), Unit.closed_on.is_(None)).order_by(Unit.position)))
