"""Progress toward targets: allocations between units, dated entries, houses and roads."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.plan import Initiative, Target
from danvan.orm.util import enum_type, utcnow


class Allocation(db.Model):
    """A unit's share of a target (phân bổ chỉ tiêu)."""

    __table_args__ = (UniqueConstraint("target_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    target: Mapped[Target] = relationship()
    unit: Mapped[Unit] = relationship()


class ProgressEntry(db.Model):
    """What a unit achieved toward a target on a date. Corrections are new rows, never edits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    recorded_on: Mapped[date] = mapped_column(index=True)
    # Signed only for a correction (corrects_id set); an ordinary entry is never negative.
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("progress_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    target: Mapped[Target] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()


class WorkStatus(enum.StrEnum):
    """Where a charity house or a youth road stands."""

    PLANNED = "planned"
    BUILDING = "building"
    DONE = "done"


class House(db.Model):
    """One charity house (Nhà Nhân ái), tracked one by one; the list feeds the targets."""

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    commune: Mapped[str] = mapped_column(String(120), default="")
    beneficiary: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    funds_mobilised: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[WorkStatus] = mapped_column(enum_type(WorkStatus), default=WorkStatus.PLANNED)
    handed_over_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    initiative: Mapped[Initiative] = relationship()
    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Road(db.Model):
    """One youth road "Xanh – Sạch – Đẹp", tracked one by one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(120), default="")
    length_m: Mapped[int] = mapped_column(default=0)
    status: Mapped[WorkStatus] = mapped_column(enum_type(WorkStatus), default=WorkStatus.PLANNED)
    completed_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    initiative: Mapped[Initiative] = relationship()
    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}
