"""The cascade of a plan: which receiving units have acknowledged (quán triệt) it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.util import utcnow


class Acknowledgement(db.Model):
    """A unit confirms it received a plan and briefed its members on it (quán triệt)."""

    __table_args__ = (UniqueConstraint("plan_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    briefed_on: Mapped[date]
    members_briefed: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()
