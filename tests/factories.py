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
