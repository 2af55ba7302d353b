"""Plain factory functions for test data beyond the demo province."""

from __future__ import annotations

from danvan.auth.passwords import hash_password
from danvan.extensions import db
from danvan.orm import Unit, UnitKind, User


def unit_by_name(name: str) -> Unit:
    return db.session.scalar(db.select(Unit).where(Unit.name == name))


def user_by_name(username: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == username))


def make_unit(name: str, kind: UnitKind = UnitKind.DISTRICT, parent: Unit | None = None) -> Unit:
    unit = Unit(name=name, short_name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(username: str, unit: Unit, password: str = "mật khẩu thử nghiệm dài", **extra) -> User:
    user = User(username=username, unit=unit, password_hash=hash_password(password), **extra)
    db.session.add(user)
    db.session.flush()
    return user


# Reports: progress recorded by units, and a unit's own plan built on the province plan.

def target_of(initiative_title_start: str, measure: str):
    from danvan.orm import Initiative, Target

    return db.session.scalar(
        db.select(Target).join(Initiative)
        .where(Initiative.title.startswith(initiative_title_start), Target.measure == measure)
    )


def make_progress(target, unit: Unit, amount: int, on, corrects=None):
    from danvan.orm import ProgressEntry

    entry = ProgressEntry(target_id=target.id, unit_id=unit.id, amount=amount, recorded_on=on,
                          corrects_id=corrects.id if corrects else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def make_allocation(target, unit: Unit, amount: int):
    from danvan.orm import Allocation

    allocation = Allocation(target_id=target.id, unit_id=unit.id, amount=amount)
    db.session.add(allocation)
    db.session.flush()
    return allocation


def make_house(initiative_id: int, unit: Unit, funds: int, handed_over_on, done: bool = True):
    from danvan.orm import House, WorkStatus

    house = House(initiative_id=initiative_id, unit_id=unit.id, beneficiary="Hộ gia đình thử nghiệm",
                  funds_mobilised=funds, cost=funds, handed_over_on=handed_over_on,
                  status=WorkStatus.DONE if done else WorkStatus.BUILDING)
    db.session.add(house)
    db.session.flush()
    return house


def make_road(initiative_id: int, unit: Unit, completed_on, length_m: int = 500):
    from danvan.orm import Road, WorkStatus

    road = Road(initiative_id=initiative_id, unit_id=unit.id, name="Tuyến đường thử nghiệm",
                length_m=length_m, completed_on=completed_on, status=WorkStatus.DONE)
    db.session.add(road)
    db.session.flush()
    return road


def make_unit_plan(unit: Unit, parent_plan, initiatives: list[tuple[str, str]]):
    """A unit's own plan "căn cứ" the province plan, with its own mô hình (field, title)."""
    from danvan.orm import Field, Initiative, Plan

    plan = Plan(year=parent_plan.year, code=f"{unit.id}-KH", title="Kế hoạch của đơn vị", place="Trà Vinh",
                owner_unit_id=unit.id, parent_plan_id=parent_plan.id, issuer_heading=unit.name,
                organisation_heading="ĐOÀN TNCS HỒ CHÍ MINH")
    db.session.add(plan)
    db.session.flush()
    for position, (field, title) in enumerate(initiatives):
        db.session.add(Initiative(plan_id=plan.id, field=Field(field), position=position, title=title,
                                  lead_unit_id=unit.id))
    db.session.flush()
    return plan
