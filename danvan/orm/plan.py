"""The plan as data: header, purposes, contents per field, mô hình with targets, assignments."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan import clock
from danvan.extensions import db
from danvan.orm.org import Unit, UnitKind, User
from danvan.orm.util import enum_type, utcnow

if TYPE_CHECKING:
    from danvan.orm.emulation import Recognition


class Field(enum.StrEnum):
    """The four fields (lĩnh vực) of the "Dân vận khéo" movement."""

    ECONOMY = "economy"
    CULTURE_SOCIETY = "culture_society"
    DEFENCE_SECURITY = "defence_security"
    POLITICAL_SYSTEM = "political_system"

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS = {
    Field.ECONOMY: "kinh tế",
    Field.CULTURE_SOCIETY: "văn hóa - xã hội",
    Field.DEFENCE_SECURITY: "xây dựng quốc phòng - an ninh",
    Field.POLITICAL_SYSTEM: "xây dựng hệ thống chính trị",
}


class Measure(enum.StrEnum):
    """The unit a target is counted in (đơn vị tính); money is always whole đồng."""

    CHILD = "child"
    HOUSE = "house"
    ROAD = "road"
    OFFICE = "office"
    MONEY = "money"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]


MEASURE_LABELS = {
    Measure.CHILD: "em",
    Measure.HOUSE: "căn",
    Measure.ROAD: "tuyến",
    Measure.OFFICE: "cơ quan",
    Measure.MONEY: "đồng",
}


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    # Submitted by the standing unit, waiting for the standing committee to sign or return it.
    PENDING = "pending"
    ISSUED = "issued"

    @property
    def label(self) -> str:
        return PLAN_STATUS_LABELS[self]


PLAN_STATUS_LABELS = {
    PlanStatus.DRAFT: "Dự thảo",
    PlanStatus.PENDING: "Chờ duyệt",
    PlanStatus.ISSUED: "Đã ban hành",
}


class Plan(db.Model):
    """A numbered, dated plan (kế hoạch). A unit's own plan points at the plan it is based on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date | None]
    status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus), default=PlanStatus.DRAFT)
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # The unit that keeps the plan running and compiles its reports (bộ phận thường trực).
    standing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    parent_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    # The two lines of the official header: the issuing body (left) and the name of the
    # organisation, "ĐOÀN TNCS HỒ CHÍ MINH", where a state document has the national motto (right).
    issuer_heading: Mapped[str] = mapped_column(String(200))
    organisation_heading: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(Text, default="")
    initiatives_intro: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    signer_on_behalf: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    archive_note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Travels in every edit form: a save from an older version is a conflict, never an overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    edited_at: Mapped[datetime | None]

    owner_unit: Mapped[Unit] = relationship(foreign_keys=[owner_unit_id])
    standing_unit: Mapped[Unit | None] = relationship(foreign_keys=[standing_unit_id])
    parent_plan: Mapped[Plan | None] = relationship(remote_side=[id])
    purposes: Mapped[list[PlanPurpose]] = relationship(order_by="PlanPurpose.position")
    contents: Mapped[list[PlanContent]] = relationship(order_by="PlanContent.position")
    initiatives: Mapped[list[Initiative]] = relationship(
        back_populates="plan", order_by="Initiative.position"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="plan", order_by="Assignment.position"
    )
    recipients: Mapped[list[Recipient]] = relationship(order_by="Recipient.position")

    @property
    def draft_year(self) -> int:
        """The year a draft made from this plan is for: the next one, or this year when the plan is
        older (a 2026 plan drafted from 2021's after the years between went by on paper)."""
        return max(self.year + 1, clock.today().year)


class PlanPurpose(db.Model):
    """One line of section I (mục đích, yêu cầu)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class PlanContent(db.Model):
    """The section II paragraph of one field."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    field: Mapped[Field] = mapped_column(enum_type(Field))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


initiative_coordinator = Table(
    "initiative_coordinator",
    db.metadata,
    Column("initiative_id", ForeignKey("initiative.id"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


class Initiative(db.Model):
    """A mô hình "Dân vận khéo": an exemplary initiative in one field, led by one unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    field: Mapped[Field] = mapped_column(enum_type(Field))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    # The sentence as the document prints it in section III, targets included.
    wording: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Nhân rộng: the recognised mô hình of another unit this one was adopted from (danvan/emulation).
    # use_alter: the link closes a cycle (initiative → recognition → registration → initiative).
    replicated_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("recognition.id", use_alter=True, name="fk_initiative_replicated_from"))

    plan: Mapped[Plan] = relationship(back_populates="initiatives")
    lead_unit: Mapped[Unit] = relationship()
    replicated_from: Mapped[Recognition | None] = relationship()
    coordinating_units: Mapped[list[Unit]] = relationship(secondary=initiative_coordinator)
    targets: Mapped[list[Target]] = relationship(
        back_populates="initiative", order_by="Target.position"
    )


class Target(db.Model):
    """A number a mô hình must reach (chỉ tiêu), in one measure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    measure: Mapped[Measure] = mapped_column(enum_type(Measure))
    amount: Mapped[int] = mapped_column(BigInteger)
    label: Mapped[str] = mapped_column(String(120))
    # "khoảng" in the document: the figure is an estimate, not a hard quota.
    approximate: Mapped[bool] = mapped_column(default=False)

    initiative: Mapped[Initiative] = relationship(back_populates="targets")


assignment_coordinator = Table(
    "assignment_coordinator",
    db.metadata,
    Column("assignment_id", ForeignKey("assignment.id"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)

assignment_initiative = Table(
    "assignment_initiative",
    db.metadata,
    Column("assignment_id", ForeignKey("assignment.id"), primary_key=True),
    Column("initiative_id", ForeignKey("initiative.id"), primary_key=True),
)


class Assignment(db.Model):
    """A paragraph of section IV: work given to one unit, or to every unit of some kinds."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    # The sub-heading of section IV it stands under, e.g. "Cấp tỉnh".
    section: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    short_title: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # For a duty of every district and affiliated union: comma-separated UnitKind values.
    unit_kinds: Mapped[str] = mapped_column(String(100), default="")

    plan: Mapped[Plan] = relationship(back_populates="assignments")
    unit: Mapped[Unit | None] = relationship()
    coordinating_units: Mapped[list[Unit]] = relationship(secondary=assignment_coordinator)
    initiatives: Mapped[list[Initiative]] = relationship(secondary=assignment_initiative)
    tasks: Mapped[list[Task]] = relationship(back_populates="assignment")

    @property
    def kinds(self) -> list[UnitKind]:
        return [UnitKind(k) for k in self.unit_kinds.split(",") if k]


class Task(db.Model):
    """An assignment as one unit's work item; the unit breaks it into checklist items."""

    __table_args__ = (UniqueConstraint("assignment_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_note: Mapped[str] = mapped_column(Text, default="")
    # The last change to its checklist (tick, item, comment, done), for the province view.
    changed_at: Mapped[datetime | None]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Counted up by every checklist write of the task (checklist.events.log_event): what a page
    # shows of the task is kept per version (the province view's rows).
    version: Mapped[int] = mapped_column(default=0, server_default="0")

    assignment: Mapped[Assignment] = relationship(back_populates="tasks")
    unit: Mapped[Unit] = relationship()
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])


class Recipient(db.Model):
    """One line of "Nơi nhận"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))


# Built once: every home asks for it.
_CURRENT_PROVINCE_PLAN = (db.select(Plan)
                          .where(Plan.parent_plan_id.is_(None), Plan.status == PlanStatus.ISSUED)
                          .order_by(Plan.year.desc(), Plan.id.desc()).limit(1))


def current_province_plan() -> Plan | None:
    """Return the newest issued province plan (one not based on another), if any."""
    return db.session.scalar(_CURRENT_PROVINCE_PLAN)
