"""What waits for a unit beyond its plans: reminders (đôn đốc) and drafts kept across a login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.report import Report
from danvan.orm.util import utcnow


class Reminder(db.Model):
    """A board reminds a unit of what is late; the unit sees it on its home until it acts on it
    (the report it is about handed in) or dismisses it; the sender sees when it was seen."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sender_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    seen_at: Mapped[datetime | None]
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dismissed_at: Mapped[datetime | None]
    mailed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    sender_unit: Mapped[Unit] = relationship(foreign_keys=[sender_unit_id])
    sender: Mapped[User | None] = relationship(foreign_keys=[sender_user_id])
    report: Mapped[Report | None] = relationship()


class KeptDraft(db.Model):
    """What a user typed into a report when the session had ended; saved after the next login."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    version: Mapped[int | None]
    form_data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
