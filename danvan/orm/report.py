"""Reports: the reporting schedule, each unit's report, review rounds, the compiled province report."""

from __future__ import annotations

import enum
import json
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.plan import Plan
from danvan.orm.util import enum_type, utcnow


class PeriodKind(enum.StrEnum):
    HALF_YEAR = "half_year"
    ANNUAL = "annual"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"half_year": "Sơ kết 6 tháng", "annual": "Tổng kết năm", "other": "Khác"}[self.value]


class ReportStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ReportStatus.NOT_STARTED: "Chưa làm",
    ReportStatus.DRAFT: "Bản nháp",
    ReportStatus.SUBMITTED: "Đã nộp",
    ReportStatus.RETURNED: "Bị trả lại",
    ReportStatus.ACCEPTED: "Đã tiếp nhận",
}

# States in which a report is still owed: its unit may edit it, and it is late after the due date.
OPEN_STATES = frozenset({ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED})

# The narrative sections of a report, in the order the document prints them.
SECTIONS = [
    ("economy", "Kết quả trên lĩnh vực kinh tế"),
    ("culture_society", "Kết quả trên lĩnh vực văn hóa - xã hội"),
    ("defence_security", "Kết quả trên lĩnh vực xây dựng quốc phòng - an ninh"),
    ("political_system", "Kết quả trên lĩnh vực xây dựng hệ thống chính trị"),
    ("good_practices", "Cách làm hay, mô hình hiệu quả"),
    ("difficulties", "Khó khăn, hạn chế"),
    ("proposals", "Đề xuất, kiến nghị"),
]
SECTION_LABELS = dict(SECTIONS) | {"numbers": "Số liệu"}

period_unit = Table(
    "reporting_period_unit",
    db.metadata,
    Column("period_id", ForeignKey("reporting_period.id"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


class ReportingPeriod(db.Model):
    """A period of a plan's reporting schedule (kỳ báo cáo) and the units that owe a report."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind))
    starts_on: Mapped[date]
    cut_off_on: Mapped[date]
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    plan: Mapped[Plan] = relationship()
    owing_units: Mapped[list[Unit]] = relationship(secondary=period_unit, order_by="Unit.position")
    reports: Mapped[list[Report]] = relationship(back_populates="period")


class Narrative:
    """The narrative columns a unit report and the compiled report share."""

    economy: Mapped[str] = mapped_column(Text, default="")
    culture_society: Mapped[str] = mapped_column(Text, default="")
    defence_security: Mapped[str] = mapped_column(Text, default="")
    political_system: Mapped[str] = mapped_column(Text, default="")
    good_practices: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")

    def sections(self) -> list[tuple[str, str, str]]:
        return [(key, label, getattr(self, key) or "") for key, label in SECTIONS]


class Report(Narrative, db.Model):
    """One unit's report for one period: a slot made when the period is created."""

    __table_args__ = (UniqueConstraint("period_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[ReportStatus] = mapped_column(enum_type(ReportStatus), default=ReportStatus.NOT_STARTED)
    # Travels in the edit form: a save from an older version is a conflict, never an overwrite.
    version: Mapped[int] = mapped_column(default=1)
    # The recorded numbers frozen at submit (JSON); a draft shows live numbers instead.
    snapshot: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime | None]
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]

    period: Mapped[ReportingPeriod] = relationship(back_populates="reports")
    unit: Mapped[Unit] = relationship()
    saved_by: Mapped[User | None] = relationship()
    lines: Mapped[list[ReportLine]] = relationship(
        order_by="ReportLine.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[ReportEvent]] = relationship(order_by="ReportEvent.id")

    @property
    def numbers(self) -> dict | None:
        return json.loads(self.snapshot) if self.snapshot else None


class ReportLine(db.Model):
    """A number the unit adds for something not tracked elsewhere: label, amount, measure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    measure: Mapped[str] = mapped_column(String(40), default="")

    @property
    def item(self) -> str:
        return self.label


class EventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return {"submitted": "Nộp", "returned": "Trả lại", "accepted": "Tiếp nhận"}[self.value]


class ReportEvent(db.Model):
    """One step of a report's review rounds: submitted, returned (with a comment), accepted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # The report version the action was taken on: a repeated submit of it is a no-op.
    version: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(String(40), default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def section_label(self) -> str:
        return SECTION_LABELS.get(self.section, "")


class CompiledReport(Narrative, db.Model):
    """The province report of a period, compiled from accepted reports; TCKT edits and sends it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), unique=True)
    # The number of the report (just the number, "415"; the kind and units' codes are added once).
    code: Mapped[str] = mapped_column(String(80), default="")
    # Ngày ban hành, chosen by the organisation board; never the day someone exports it.
    issued_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    # Totals per mô hình, field and unit, frozen at compile time (JSON).
    data: Mapped[str] = mapped_column(Text, default="{}")
    compiled_at: Mapped[datetime] = mapped_column(default=utcnow)
    compiled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    saved_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    period: Mapped[ReportingPeriod] = relationship()

    @property
    def totals(self) -> dict:
        return json.loads(self.data or "{}")
