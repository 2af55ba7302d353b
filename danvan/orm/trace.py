"""The trace: who changed what, when. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.util import utcnow


class Change(db.Model):
    """One recorded change: actor, action, object and the values that changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(Text, default="{}")
    ip: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


def record_change(
    user: User | None, action: str, object_type: str, object_id: int | None, **detail: Any
) -> Change:
    """Add a Change row to the current transaction; the caller commits with its own write."""
    change = Change(**change_values(user, action, object_type, object_id, **detail))
    db.session.add(change)
    return change


def change_values(
    user: User | None, action: str, object_type: str, object_id: int | None, **detail: Any
) -> dict[str, Any]:
    """Return a Change row's columns: for `record_change`, or an INSERT of its own (a tick)."""
    return {
        "at": utcnow(),
        "user_id": user.id if user else None,
        "unit_id": user.unit_id if user else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": json.dumps(detail, ensure_ascii=False, default=str),
        "ip": (request.remote_addr or "") if has_request_context() else "",
    }
