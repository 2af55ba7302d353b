"""Who may do what: one decorator for the coarse level of every endpoint, plus object rules.

The table, in one screen (PRODUCT.md):
  PUBLIC  login page, /healthz, static files
  MEMBER  every logged-in account: read plans, mô hình, progress, checklists
  WRITER  logged in and not a read-only outside body; the view then checks the object's unit
  ADMIN   administrators only: units, accounts, years
Object rules live in each blueprint's scoped getters and use the helpers below.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from danvan.orm import Plan, Unit, UnitKind, User

F = TypeVar("F", bound=Callable)


class Access(enum.StrEnum):
    PUBLIC = "public"
    MEMBER = "member"
    WRITER = "writer"
    ADMIN = "admin"


def access(level: Access) -> Callable[[F], F]:
    """Mark a view with its access level and enforce it; tests check every endpoint has one."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if level is not Access.PUBLIC:
                if not current_user.is_authenticated:
                    from danvan.extensions import login_manager

                    return login_manager.unauthorized()
                if level is Access.WRITER and is_read_only(current_user):
                    abort(403)
                if level is Access.ADMIN and not current_user.is_admin:
                    abort(403)
            return view(*args, **kwargs)

        wrapped.access_level = level  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def is_read_only(user: User) -> bool:
    """Return True for accounts of outside bodies (the party mass-mobilisation board)."""
    return not user.is_admin and user.unit.kind == UnitKind.OUTSIDE


def is_leadership(user: User) -> bool:
    """Return True for the standing committee, which reads everything and approves plans."""
    return user.unit.kind == UnitKind.STANDING_COMMITTEE


def is_coordinator(user: User, plan: Plan) -> bool:
    """Return True for the plan's standing unit (the organisation board for plan 382) and admin."""
    return user.is_admin or (plan.standing_unit_id is not None and user.unit_id == plan.standing_unit_id)


def can_write_for(user: User, unit: Unit | int) -> bool:
    """Return True if the user may change things that belong to this unit."""
    unit_id = unit if isinstance(unit, int) else unit.id
    return user.is_admin or (user.unit_id == unit_id and not is_read_only(user))
