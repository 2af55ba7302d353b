"""Compile the province report of a period from the accepted reports and the province's own progress."""

from __future__ import annotations

import json

from sqlalchemy.orm import selectinload

from danvan.extensions import db
from danvan.formatting import vn_sort_key
from danvan.orm import Field, Unit, User, lock_row, record_change, utcnow
from danvan.orm.plan import FIELD_LABELS
from danvan.orm.report import SECTIONS, CompiledReport, Report, ReportingPeriod, ReportStatus
from danvan.reports.prefill import (
    checklist_numbers,
    numbers_for_units,
    plan_targets,
    units_with_progress,
)
from danvan.reports.workflow import days_late, submitted_late, today


def period_reports(period: ReportingPeriod) -> list[Report]:
    """Return every report slot of the period with its unit, lines and events, in unit order."""
    return list(db.session.scalars(
        db.select(Report).join(Report.unit).where(Report.period_id == period.id)
        .order_by(Unit.position)
        .options(selectinload(Report.unit), selectinload(Report.lines), selectinload(Report.events))
    ))


def compile_data(period: ReportingPeriod, reports: list[Report]) -> dict:
    """Return the totals: per target and unit, per field, per unit, houses, roads, states."""
    accepted = [r for r in reports if r.status is ReportStatus.ACCEPTED]
    owing = {r.unit_id for r in reports}
    province_ids = [u for u in units_with_progress(period) if u not in owing]
    province_units = {u.id: u for u in db.session.scalars(db.select(Unit).where(Unit.id.in_(province_ids)))}
    province = numbers_for_units(period, province_ids) if province_ids else {}
    sources = [(r.unit.name, "report", r.numbers or {}) for r in accepted]
    sources += sorted(((province_units[u].name, "province", n) for u, n in province.items()),
                      key=lambda s: vn_sort_key(s[0]))

    targets = plan_targets(period.plan_id)
    for target in targets:
        target["units"] = []
        for name, source, numbers in sources:
            for row in numbers.get("targets", []):
                if row["target_id"] == target["target_id"] and row["amount"]:
                    target["units"].append({"unit": name, "source": source, "amount": row["amount"]})
        target["total"] = sum(u["amount"] for u in target["units"])

    units = []
    for name, source, numbers in sources:
        houses, roads = numbers.get("houses", {}), numbers.get("roads", {})
        checklist = numbers.get("checklist", {})
        units.append({
            "unit": name, "source": source,
            "houses": houses.get("count", 0), "funds": houses.get("funds", 0),
            "roads": roads.get("count", 0), "length_m": roads.get("length_m", 0),
            "own_initiatives": len(numbers.get("own_initiatives", [])),
            "checklist_done": checklist.get("done", 0), "checklist_total": checklist.get("total", 0),
        })

    fields = []
    for field in Field:
        own = sum(1 for _n, _s, numbers in sources for i in numbers.get("own_initiatives", [])
                  if i["field"] == field.value)
        province_initiatives = len({t["initiative_id"] for t in targets if t["field"] == field.value})
        excerpts = sum(1 for r in accepted if (getattr(r, field.value) or "").strip())
        fields.append({"field": field.value, "label": FIELD_LABELS[field],
                       "province_initiatives": province_initiatives, "own_initiatives": own,
                       "excerpts": excerpts})

    # A report keeps the checklist counts it froze at submit; an open one shows them as they are now.
    live_checklist = checklist_numbers(period.plan_id, [r.unit_id for r in reports if not r.snapshot])
    on = today()
    return {
        "targets": targets,
        "fields": fields,
        "units": units,
        "houses": {"count": sum(u["houses"] for u in units), "funds": sum(u["funds"] for u in units)},
        "roads": {"count": sum(u["roads"] for u in units), "length_m": sum(u["length_m"] for u in units)},
        "lines": [{"unit": r.unit.name, "label": line.label, "amount": line.amount, "measure": line.measure}
                  for r in accepted for line in r.lines],
        "states": [{"unit": r.unit.name, "status": r.status.value, "label": r.status.label,
                    # Still owed: late until now; handed in: how late it came (kept once accepted).
                    "days_late": days_late(r, period, on) or submitted_late(r, period),
                    "checklist": items_fraction(r.numbers.get("checklist", {}) if r.snapshot
                                                else live_checklist[r.unit_id])} for r in reports],
        "accepted": len(accepted),
        "owing": len(reports),
    }


def items_fraction(checklist: dict) -> str:
    """Return "12/15": việc cần làm done of all ("" for a snapshot older than checklist items)."""
    return f"{checklist['items_done']}/{checklist['items']}" if "items" in checklist else ""


def excerpts(accepted: list[Report]) -> dict[str, str]:
    """Return the compiled narrative: each section's text from every accepted report, with its unit."""
    return {
        key: "\n".join(f"- {r.unit.name}: {text.strip()}" for r in accepted
                       if (text := getattr(r, key) or "").strip())
        for key, _label in SECTIONS
    }


def compile_period(user: User, period: ReportingPeriod, regenerate_text: bool) -> CompiledReport:
    """Create or refresh the period's compiled report; keep edited narrative unless asked."""
    # One compile of a period at a time, reading the compiled report as it was last committed.
    lock_row(ReportingPeriod, period.id)
    reports = period_reports(period)
    accepted = [r for r in reports if r.status is ReportStatus.ACCEPTED]
    compiled = db.session.scalar(db.select(CompiledReport).where(CompiledReport.period_id == period.id)
                                 .with_for_update().execution_options(populate_existing=True))
    new = compiled is None
    if new:
        compiled = CompiledReport(period_id=period.id)
        db.session.add(compiled)
    compiled.data = json.dumps(compile_data(period, reports), ensure_ascii=False)
    if new or regenerate_text:
        for key, text in excerpts(accepted).items():
            setattr(compiled, key, text)
    compiled.compiled_at = utcnow()
    compiled.compiled_by_id = user.id
    compiled.version = (compiled.version or 1) + (0 if new else 1)
    db.session.flush()
    record_change(user, "compile", "compiled_report", compiled.id, period_id=period.id,
                  accepted=len(accepted), regenerate_text=regenerate_text)
    return compiled
