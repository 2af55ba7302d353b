"""The plan-382 demo data, loaded by `flask --app app seed-demo` (idempotent)."""

from __future__ import annotations

from datetime import date

from danvan import clock
from danvan.auth.passwords import hash_password
from danvan.demo import cascade, checklist
from danvan.demo import emulation as demo_emulation
from danvan.demo import evidence as demo_evidence
from danvan.demo import initiatives as sample_initiatives
from danvan.demo import plan382 as data
from danvan.demo import reports as demo_reports
from danvan.extensions import db
from danvan.orm import (
    Assignment,
    Initiative,
    Plan,
    PlanContent,
    PlanPurpose,
    PlanStatus,
    Recipient,
    Target,
    Task,
    Unit,
    User,
)

DEMO_PASSWORD = "demo-danvan"


def seed_demo() -> bool:
    """Load the demo organisation, accounts and plan 382; return False if they were there."""
    if db.session.scalar(db.select(Plan).where(Plan.code == data.PLAN["code"])):
        return False
    # Everything stamped while loading (created, saved, sent) falls in the demo's own time: the
    # organisation and the plan on the day it was issued, the sample results by the end of
    # October, the reporting period on 01/11/2021; the checklist carries its own dates.
    with clock.pinned(data.PLAN["issued_on"]):
        units = _load_units()
        _load_users(units)
        plan = _load_plan(units)
        cascade.load(plan, units)
    checklist.load()
    with clock.pinned(date(2021, 10, 30)):
        sample_initiatives.load(units)
    demo_evidence.load()  # photos of houses and roads, on the days they were handed over or opened
    # After the progress samples: submitted reports freeze the numbers they see.
    with clock.pinned(date(2021, 11, 1)):
        demo_reports.load()
    demo_emulation.load()  # stamps its own days, from July's registrations to December's approval
    db.session.commit()
    return True


def _load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for position, (key, parent, kind, name, short, _username) in enumerate(data.UNITS):
        code, place = data.DOCUMENT_CODES.get(key, ("", ""))
        unit = Unit(kind=kind, name=name, short_name=short, position=position, code=code, place=place,
                    parent=units[parent] if parent else None)
        db.session.add(unit)
        units[key] = unit
    db.session.flush()
    return units


def _load_users(units: dict[str, Unit]) -> None:
    # One hash for all demo accounts: they share a published password, so salts hide nothing.
    password_hash = hash_password(DEMO_PASSWORD)
    for key, _parent, _kind, _name, _short, username in data.UNITS:
        if username:
            db.session.add(User(username=username, unit=units[key], password_hash=password_hash,
                                is_admin=username in data.ADMIN_USERNAMES))


def _load_plan(units: dict[str, Unit]) -> Plan:
    plan = Plan(**data.PLAN, status=PlanStatus.ISSUED, owner_unit=units["btv"],
                standing_unit=units["tckt"])
    db.session.add(plan)
    plan.purposes = [PlanPurpose(position=i, text=t) for i, t in enumerate(data.PURPOSES)]
    plan.contents = [PlanContent(position=i, field=f, text=t) for i, (f, t) in enumerate(data.CONTENTS)]
    plan.recipients = [Recipient(position=i, text=t) for i, t in enumerate(data.RECIPIENTS)]
    initiatives = {}
    for position, (key, field, title, wording, lead, coordinating, targets) in enumerate(data.INITIATIVES):
        initiative = Initiative(
            position=position, field=field, title=title, wording=wording, lead_unit=units[lead],
            coordinating_units=[units[k] for k in coordinating],
            targets=[Target(position=i, measure=m, amount=a, label=label, approximate=approx)
                     for i, (m, a, label, approx) in enumerate(targets)],
        )
        plan.initiatives.append(initiative)
        initiatives[key] = initiative
    local_units = [u for u in units.values() if u.kind in data.LOCAL_KINDS]
    for position, (section, unit_key, short, text, coordinating, initiative_keys) in enumerate(
        data.ASSIGNMENTS
    ):
        assignment = Assignment(
            section=section, position=position, short_title=short, text=text,
            unit=units[unit_key] if unit_key else None,
            unit_kinds="" if unit_key else ",".join(data.LOCAL_KINDS),
            coordinating_units=[units[k] for k in coordinating],
            initiatives=[initiatives[k] for k in initiative_keys],
        )
        plan.assignments.append(assignment)
        for unit in [units[unit_key]] if unit_key else local_units:
            assignment.tasks.append(Task(unit=unit))
    db.session.flush()
    return plan
