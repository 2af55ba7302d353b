"""Changing plans: the version every save bumps, workflow transitions, the tasks of an assignment,
next year's copy and a unit's first own plan. Every change is traced; the caller commits.
"""

from __future__ import annotations

import re

from danvan.extensions import db
from danvan.orm import (
    Assignment,
    ChecklistItem,
    Initiative,
    Plan,
    PlanContent,
    PlanPurpose,
    PlanStatus,
    Recipient,
    Target,
    Task,
    TaskComment,
    Unit,
    User,
    claim_version,
    open_local_unions,
    record_change,
    successors_of,
    utcnow,
)

# Why a plan that left the draft state cannot be edited, as the editor and the document say it.
LOCKED = {
    PlanStatus.PENDING: "Kế hoạch đang chờ Ban Thường vụ duyệt nên tạm khóa. Nếu cần sửa, Ban Thường vụ "
                        "trả lại kế hoạch về dự thảo.",
    PlanStatus.ISSUED: "Kế hoạch đã ban hành nên không sửa được nữa. Muốn thay đổi, cần ban hành kế hoạch "
                       "sửa đổi, bổ sung (một văn bản mới) hoặc tạo kế hoạch năm sau từ kế hoạch này.",
}


def bump_version(plan: Plan, seen_version: int | None) -> bool:
    """Move the plan on from `seen_version` before a save; False means someone saved first."""
    if not claim_version(plan, seen_version):
        return False
    plan.edited_at = utcnow()
    return True


def transition(user: User, plan: Plan, status: PlanStatus, action: str, **detail) -> bool:
    """Move the plan to `status` and record who did it; False when it changed since it was loaded."""
    before = plan.status
    if not bump_version(plan, plan.version):
        return False
    plan.status = status
    record_change(user, action, "plan", plan.id, before=before, after=status, **detail)
    return True


def move_row(rows: list, row, step: int) -> None:
    """Swap a row with its neighbour and renumber the positions 0..n-1."""
    ordered = list(rows)
    i = ordered.index(row)
    j = i + step
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
    for position, r in enumerate(ordered):
        r.position = position


# ---- tasks of an assignment ----

def wanted_unit_ids(unit_id: int | None) -> set[int]:
    """One unit, or every open district and affiliated union when the duty is everyone's."""
    if unit_id is not None:
        return {unit_id}
    return {u.id for u in open_local_unions()}


def blocking_tasks(assignment: Assignment, unit_ids: set[int]) -> list[Task]:
    """Return the tasks that would be dropped for `unit_ids` but already hold work."""
    dropped = [t for t in assignment.tasks if t.unit_id not in unit_ids]
    busy = busy_task_ids([t.id for t in dropped])
    return [t for t in dropped if t.id in busy]


def busy_task_ids(task_ids: list[int]) -> set[int]:
    """Tasks that hold work: checklist items (even removed ones), comments or a done mark."""
    if not task_ids:
        return set()
    busy = set(db.session.scalars(db.select(ChecklistItem.task_id).where(ChecklistItem.task_id.in_(task_ids))))
    busy |= set(db.session.scalars(db.select(TaskComment.task_id).where(TaskComment.task_id.in_(task_ids))))
    busy |= set(db.session.scalars(db.select(Task.id).where(Task.id.in_(task_ids), Task.done_at.is_not(None))))
    return busy


def sync_tasks(user: User, assignment: Assignment, unit_ids: set[int]) -> None:
    """Make the assignment's tasks exactly `unit_ids`; call blocking_tasks() first."""
    current = {t.unit_id: t for t in assignment.tasks}
    dropped = [t for uid, t in current.items() if uid not in unit_ids]
    for task in dropped:
        record_change(user, "delete", "task", task.id, assignment=assignment.id, unit=task.unit_id)
        assignment.tasks.remove(task)
        db.session.delete(task)
    for uid in sorted(unit_ids - set(current)):
        task = Task(unit_id=uid)
        assignment.tasks.append(task)
    db.session.flush()
    for task in assignment.tasks:
        if task.unit_id not in current:
            record_change(user, "create", "task", task.id, assignment=assignment.id, unit=task.unit_id)


# ---- next year's plan ----

def replace_year(text: str, old: int, new: int) -> str:
    """Turn "năm 2021" into "năm 2022"; other dates (of documents cited in the basis) stay."""
    return re.sub(rf"(năm)(\s+){old}\b", lambda m: f"{m[1]}{m[2]}{new}", text or "", flags=re.IGNORECASE)


def heirs(unit: Unit) -> list[Unit]:
    """Return the open unit itself, or the open units a closed one's work went on in (following a
    merge into a unit that was itself merged later); none for a unit dissolved without successor."""
    found: list[Unit] = []
    seen = {unit.id}
    waiting = [unit]
    while waiting:
        current = waiting.pop(0)
        if current.closed_on is None:
            found.append(current)
            continue
        for successor in successors_of(current.id):
            if successor.id not in seen:
                seen.add(successor.id)
                waiting.append(successor)
    return found


def _heirs_of_all(units: list[Unit]) -> list[Unit]:
    return list({heir.id: heir for unit in units for heir in heirs(unit)}.values())


def copy_plan(user: User, source: Plan, parent: Plan | None) -> tuple[Plan, int]:
    """Create next year's draft from `source`; return it and how many assignments of closed units were skipped.

    Copied: header texts (year replaced), purposes, contents, mô hình with their targets (not
    progress, not allocations: each year's shares are set anew), assignments and their tasks for
    open units, recipients. The document number is left blank ("…") for the standing unit to fill.
    A closed unit's duties go to its successor (one; a split unit's assignment is skipped, for the
    standing unit to give out anew), its part as coordinating unit to all of its successors.
    """
    old, new = source.year, source.draft_year
    y = lambda text: replace_year(text, old, new)  # noqa: E731
    code = re.sub(r"^\s*\d+", "…", source.code) if re.match(r"^\s*\d+", source.code) else source.code
    plan = Plan(
        year=new, code=code, title=y(source.title), place=source.place, issued_on=None,
        status=PlanStatus.DRAFT, owner_unit_id=source.owner_unit_id, standing_unit_id=source.standing_unit_id,
        parent_plan_id=parent.id if parent else None,
        issuer_heading=source.issuer_heading, organisation_heading=source.organisation_heading,
        basis=y(source.basis), initiatives_intro=y(source.initiatives_intro), closing=y(source.closing),
        signer_on_behalf=source.signer_on_behalf, signer_title=source.signer_title,
        signer_name=source.signer_name, archive_note=source.archive_note,
    )
    if parent is not None and source.parent_plan_id is not None:
        plan.basis = plan.basis.replace(source.parent_plan.code, parent.code) if source.parent_plan else plan.basis
    plan.purposes = [PlanPurpose(position=p.position, text=y(p.text)) for p in source.purposes]
    plan.contents = [PlanContent(position=c.position, field=c.field, text=y(c.text)) for c in source.contents]
    plan.recipients = [Recipient(position=r.position, text=y(r.text)) for r in source.recipients]
    db.session.add(plan)
    copies: dict[int, Initiative] = {}
    for old_initiative in source.initiatives:
        initiative = Initiative(
            field=old_initiative.field, position=old_initiative.position, title=y(old_initiative.title),
            wording=y(old_initiative.wording), description=y(old_initiative.description),
            lead_unit_id=next((u.id for u in heirs(old_initiative.lead_unit)), old_initiative.lead_unit_id),
            coordinating_units=_heirs_of_all(old_initiative.coordinating_units),
            targets=[Target(position=t.position, measure=t.measure, amount=t.amount, label=t.label,
                            approximate=t.approximate) for t in old_initiative.targets],
        )
        plan.initiatives.append(initiative)
        copies[old_initiative.id] = initiative
    skipped = 0
    for old_assignment in source.assignments:
        unit_id = old_assignment.unit_id
        if old_assignment.unit is not None and old_assignment.unit.closed_on is not None:
            successors = heirs(old_assignment.unit)
            if len(successors) != 1:
                skipped += 1
                continue
            unit_id = successors[0].id
        assignment = Assignment(
            section=y(old_assignment.section), position=old_assignment.position, text=y(old_assignment.text),
            short_title=y(old_assignment.short_title), unit_id=unit_id,
            unit_kinds=old_assignment.unit_kinds,
            coordinating_units=_heirs_of_all(old_assignment.coordinating_units),
            initiatives=[copies[i.id] for i in old_assignment.initiatives if i.id in copies],
        )
        plan.assignments.append(assignment)
        for uid in sorted(wanted_unit_ids(unit_id)):
            assignment.tasks.append(Task(unit_id=uid))
    db.session.flush()
    record_change(user, "copy", "plan", plan.id, source=source.id, year=new, skipped_closed=skipped)
    return plan, skipped


def new_unit_plan(user: User, unit: Unit, base: Plan) -> Plan:
    """Create a unit's own draft plan "căn cứ" `base`, on its first own mô hình.

    Its header is the unit's own: its document code and place (set by the administrator; "…"
    for the clerk to fill when unset), reported to the province's issuing and standing units.
    """
    plan = Plan(year=base.year, code=f"…-KH/{unit.code or '…'}", title=f"{base.title} của {unit.name}",
                place=unit.place or base.place, status=PlanStatus.DRAFT, owner_unit_id=unit.id,
                standing_unit_id=unit.id, parent_plan_id=base.id,
                issuer_heading=unit.name.upper(), organisation_heading=base.organisation_heading,
                basis=f"Căn cứ Kế hoạch số {base.code} của {base.issuer_heading.title()}.",
                archive_note="Lưu: VT.")
    upper = [u for u in (base.owner_unit, base.standing_unit) if u is not None]
    plan.recipients = [Recipient(position=n, text=f"{u.name} (b/c);") for n, u in enumerate(upper)]
    db.session.add(plan)
    db.session.flush()
    record_change(user, "create", "plan", plan.id, parent=base.id, draft=True)
    return plan
