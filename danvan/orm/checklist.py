"""The task checklists: items a unit ticks off, comments of helping units, the live-change log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.plan import Task
from danvan.orm.util import utcnow


class ChecklistItem(db.Model):
    """A step of a task (việc cần làm). Removing one stamps removed_at; the row stays as history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None]
    responsible: Mapped[str] = mapped_column(String(120), default="")
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The last tick or untick, whichever came last: who and when (the trace keeps every one).
    ticked_at: Mapped[datetime | None]
    ticked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    task: Mapped[Task] = relationship()
    ticked_by: Mapped[User | None] = relationship(foreign_keys=[ticked_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def done(self) -> bool:
        return self.done_at is not None


class TaskComment(db.Model):
    """A remark on a task by its own unit or by a unit that coordinates on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    user: Mapped[User] = relationship()


class LiveEvent(db.Model):
    """One checklist change, written in the same transaction; open pages read new rows by id.

    Append-only and pruned after a day. `part` says which piece of a page went stale:
    "item" (one row: item_id), "list" (the items of the task), "comments", or "task" (its head).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(index=True)
    unit_id: Mapped[int]
    part: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int | None]
    # The open page that made the change: its own stream skips it (it already has the fragment).
    origin: Mapped[str] = mapped_column(String(16), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
