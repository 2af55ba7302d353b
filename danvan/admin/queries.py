"""Reads of the organisation tree and the accounts, shared by the admin views and others."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import case, func
from sqlalchemy.orm import contains_eager

from danvan.extensions import db
from danvan.formatting import vn_sort_key
from danvan.orm import LoginSession, Unit, UnitKind, User
from danvan.text import clean_text

KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind)}


def open_units() -> list[Unit]:
    """Return the units that are not closed, in tree order: what new pick-lists should offer."""
    units = db.session.scalars(db.select(Unit).where(Unit.closed_on.is_(None))).all()
    return [unit for unit, _depth in tree_order(units)]


def tree_order(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Return (unit, depth) pairs depth-first; siblings by kind, then Vietnamese alphabetical name."""
    ids = {unit.id for unit in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        # A unit whose parent is not in the list is shown as a root rather than lost.
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (KIND_ORDER[u.kind], vn_sort_key(u.name), u.id))
    ordered: list[tuple[Unit, int]] = []
    stack = [(unit, 0) for unit in reversed(children[None])]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children[unit.id]))
    return ordered


def all_units() -> list[Unit]:
    """Return every unit, open or closed, in one query."""
    return db.session.scalars(db.select(Unit)).all()


def login_counts() -> dict[int, tuple[int, int]]:
    """Return {unit id: (logins, active logins)} in one query."""
    rows = db.session.execute(
        db.select(User.unit_id, func.count(User.id), func.sum(case((User.active, 1), else_=0)))
        .group_by(User.unit_id)
    )
    return {unit_id: (total, int(active or 0)) for unit_id, total, active in rows}


def descendant_ids(unit: Unit, units: list[Unit]) -> set[int]:
    """Return the ids of every unit below `unit` in the tree (not including it)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for u in units:
        children[u.parent_id].append(u.id)
    found: set[int] = set()
    pending = list(children[unit.id])
    while pending:
        uid = pending.pop()
        if uid not in found:
            found.add(uid)
            pending.extend(children[uid])
    return found


def name_key(name: str) -> str:
    """Return the key under which two unit names count as the same (NFC, case-insensitive)."""
    return clean_text(name).casefold()


def name_taken(name: str, *, column: str = "name", except_id: int | None = None) -> bool:
    """Return True if an open unit other than `except_id` already has this name (or short name)."""
    key = name_key(name)
    attr = getattr(Unit, column)
    query = db.select(attr).where(Unit.closed_on.is_(None))
    if except_id is not None:
        query = query.where(Unit.id != except_id)
    return any(name_key(existing) == key for existing in db.session.scalars(query))


def users_with_last_login() -> list[tuple[User, datetime | None]]:
    """Return every login with its unit and its latest login time, in one query."""
    last = (
        db.select(LoginSession.user_id, func.max(LoginSession.created_at).label("at"))
        .group_by(LoginSession.user_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(User, Unit, last.c.at)
        .join(Unit, User.unit_id == Unit.id)
        .outerjoin(last, last.c.user_id == User.id)
        .options(contains_eager(User.unit))
    ).all()
    rows.sort(key=lambda r: (vn_sort_key(r[1].name), r[0].username))
    return [(user, at) for user, _unit, at in rows]
