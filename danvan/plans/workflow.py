"""Who may change a plan, its draft → pending → issued workflow, tasks of assignments, next year's copy."""

from __future__ import annotations

import re

from sqlalchemy.orm import selectinload

from danvan.access import is_coordinator, is_leadership, is_read_only
from danvan.extensions import db
from danvan.orm import (
    Assignment,
    ChecklistItem,
    Change,
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
    UnitKind,
    User,
    record_change,
    utcnow,
)

LOCAL_KINDS = (UnitKind.DISTRICT, UnitKind.AFFILIATED)
TRANSITIONS = {
    "create": "Tạo dự thảo",
    "copy": "Tạo dự thảo từ kế hoạch năm trước",
    "submit": "Trình Ban Thường vụ",
    "return": "Trả lại để sửa",
    "issue": "Ký ban hành",
}


def is_unit_plan(plan: Plan) -> bool:
    """A district's or affiliated union's own plan is built "căn cứ" another plan."""
    return plan.parent_plan_id is not None


def can_manage(user: User, plan: Plan) -> bool:
    """Province plan: its standing unit (TCKT) and admin; a unit's own plan: that unit and admin."""
    if is_read_only(user):
        return False
    if is_unit_plan(plan):
        return user.is_admin or user.unit_id == plan.owner_unit_id
    return is_coordinator(user, plan)


def can_edit(user: User, plan: Plan) -> bool:
    return plan.status == PlanStatus.DRAFT and can_manage(user, plan)


def can_submit(user: User, plan: Plan) -> bool:
    return plan.status == PlanStatus.DRAFT and not is_unit_plan(plan) and can_manage(user, plan)


def can_approve(user: User, plan: Plan) -> bool:
    """The standing committee (or admin) signs or returns a submitted province plan."""
    return (plan.status == PlanStatus.PENDING and not is_unit_plan(plan)
            and (user.is_admin or is_leadership(user)))


def can_issue_own(user: User, plan: Plan) -> bool:
    """A unit's leadership is its own: it issues its own draft plan itself."""
    return plan.status == PlanStatus.DRAFT and is_unit_plan(plan) and can_manage(user, plan)


def history(plan: Plan) -> list[Change]:
    """Return the plan's workflow changes, oldest first (one query)."""
    return db.session.scalars(
        db.select(Change).where(Change.object_type == "plan", Change.object_id == plan.id,
                                Change.action.in_(TRANSITIONS))
        .order_by(Change.id).options(selectinload(Change.user), selectinload(Change.unit))
    ).all()


def touch(user: User, plan: Plan, seen_version: int | None) -> bool:
    """Bump the plan's version if it is still `seen_version`; False means someone saved first."""
    now = utcnow()
    result = db.session.execute(
        db.update(Plan).where(Plan.id == plan.id, Plan.version == seen_version)
        .values(version=Plan.version + 1, edited_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    plan.version = seen_version + 1
    plan.edited_at = now
    return True


def transition(user: User, plan: Plan, status: PlanStatus, action: str, **detail) -> None:
    """Move the plan to `status`, bump its version and record who did it."""
    before = plan.status
    plan.status = status
    plan.version += 1
    plan.edited_at = utcnow()
    record_change(user, action, "plan", plan.id, before=before, after=status, **detail)


# ---- tasks of an assignment ----

def open_local_units() -> list[Unit]:
    return db.session.scalars(
        db.select(Unit).where(Unit.kind.in_(LOCAL_KINDS), Unit.closed_on.is_(None)).order_by(Unit.position)
    ).all()


def wanted_unit_ids(unit_id: int | None) -> set[int]:
    """One unit, or every open district and affiliated union when the duty is everyone's."""
    if unit_id is not None:
        return {unit_id}
    return {u.id for u in open_local_units()}


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


def next_year_plan(plan: Plan) -> Plan | None:
    """Return the plan already made for the year after `plan`, by the same unit, if any."""
    query = db.select(Plan).where(Plan.year == plan.year + 1, Plan.owner_unit_id == plan.owner_unit_id)
    if is_unit_plan(plan):
        query = query.where(Plan.parent_plan_id.is_not(None))
    else:
        query = query.where(Plan.parent_plan_id.is_(None))
    return db.session.scalar(query.order_by(Plan.id).limit(1))


def province_plan_of_year(year: int) -> Plan | None:
    return db.session.scalar(
        db.select(Plan).where(Plan.year == year, Plan.parent_plan_id.is_(None)).order_by(Plan.id).limit(1))


def copy_plan(user: User, source: Plan, parent: Plan | None) -> tuple[Plan, int]:
    """Create next year's draft from `source`; return it and how many assignments of closed units were skipped.

    Copied: header texts (year replaced), purposes, contents, mô hình with their targets (not
    progress, not allocations: each year's shares are set anew), assignments and their tasks for
    open units, recipients. The document number is left blank ("…") for the standing unit to fill.
    """
    old, new = source.year, source.year + 1
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
    if parent is not None and is_unit_plan(source):
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
            lead_unit_id=old_initiative.lead_unit_id,
            coordinating_units=[u for u in old_initiative.coordinating_units if u.closed_on is None],
            targets=[Target(position=t.position, measure=t.measure, amount=t.amount, label=t.label,
                            approximate=t.approximate) for t in old_initiative.targets],
        )
        plan.initiatives.append(initiative)
        copies[old_initiative.id] = initiative
    skipped = 0
    for old_assignment in source.assignments:
        if old_assignment.unit is not None and old_assignment.unit.closed_on is not None:
            skipped += 1
            continue
        assignment = Assignment(
            section=y(old_assignment.section), position=old_assignment.position, text=y(old_assignment.text),
            short_title=y(old_assignment.short_title), unit_id=old_assignment.unit_id,
            unit_kinds=old_assignment.unit_kinds,
            coordinating_units=[u for u in old_assignment.coordinating_units if u.closed_on is None],
            initiatives=[copies[i.id] for i in old_assignment.initiatives if i.id in copies],
        )
        plan.assignments.append(assignment)
        for uid in sorted(wanted_unit_ids(old_assignment.unit_id)):
            assignment.tasks.append(Task(unit_id=uid))
    db.session.flush()
    record_change(user, "copy", "plan", plan.id, source=source.id, year=new, skipped_closed=skipped)
    return plan, skipped


def plan_for_copy(plan_id: int) -> Plan:
    """Load a plan with everything a copy reads, in a fixed number of queries."""
    return db.first_or_404(
        db.select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.purposes), selectinload(Plan.contents), selectinload(Plan.recipients),
            selectinload(Plan.parent_plan),
            selectinload(Plan.initiatives).selectinload(Initiative.targets),
            selectinload(Plan.initiatives).selectinload(Initiative.coordinating_units),
            selectinload(Plan.assignments).selectinload(Assignment.unit),
            selectinload(Plan.assignments).selectinload(Assignment.coordinating_units),
            selectinload(Plan.assignments).selectinload(Assignment.initiatives),
        ))
