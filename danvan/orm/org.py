"""The organisation: units (a tree that changes over time), their logins and login sessions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.clock import real_utcnow
from danvan.extensions import db
from danvan.orm.util import enum_type, utcnow


class UnitKind(enum.StrEnum):
    """What a unit is; decides what its logins may do (see danvan/access.py)."""

    PROVINCE = "province"
    STANDING_COMMITTEE = "standing_committee"
    BOARD = "board"
    OFFICE_CELL = "office_cell"
    OFFICE_UNION = "office_union"
    DISTRICT = "district"
    AFFILIATED = "affiliated"
    OUTSIDE = "outside"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


# District-level and affiliated unions: they receive the province's plan, build their own plans
# and mô hình on it, and owe reports to it.
LOCAL_UNION_KINDS = (UnitKind.DISTRICT, UnitKind.AFFILIATED)

UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: "Tỉnh đoàn",
    UnitKind.STANDING_COMMITTEE: "Ban Thường vụ",
    UnitKind.BOARD: "Ban, Trung tâm thuộc Tỉnh đoàn",
    UnitKind.OFFICE_CELL: "Chi đoàn cơ quan",
    UnitKind.OFFICE_UNION: "Công đoàn cơ sở",
    UnitKind.DISTRICT: "Huyện, Thị, Thành đoàn",
    UnitKind.AFFILIATED: "Đoàn trực thuộc",
    UnitKind.OUTSIDE: "Cơ quan bên ngoài",
}


class Unit(db.Model):
    """A node of the organisation tree. Renamed or closed units keep their id so old plans hold."""

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80))
    # Ký hiệu in its documents' numbers ("382-KH/TĐTN-TCKT": TĐTN issues, TCKT drafts) and the
    # place name of their date line ("Càng Long, ngày …"); set by the administrator.
    code: Mapped[str] = mapped_column(String(40), default="", server_default="")
    place: Mapped[str] = mapped_column(String(80), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.position")
    users: Mapped[list[User]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.short_name}>"


class User(UserMixin, db.Model):
    """A login. It belongs to exactly one unit; what it may write is its unit's right."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The normalised key (NFKC, casefold) so "Admin" and "ａｄｍｉｎ" are one account.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Given a one-time password: it must set its own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Where reminders are also mailed, when the deployment has a mail server (optional).
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")

    unit: Mapped[Unit] = relationship(back_populates="users")

    # Flask-Login reads this; the session token, not the user id, is what the cookie carries.
    login_session_id = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.login_session_id

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class LoginSession(db.Model):
    """A server-side record of one login, so that logout or an admin can end it for real."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=real_utcnow)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed login, kept in the database so throttling holds across server processes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=real_utcnow, index=True)
    # Who tried: the browser's device id once it has logged in here before, else its address.
    address: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    device: Mapped[str] = mapped_column(String(64), default="", server_default="")


def open_local_unions() -> list[Unit]:
    """Return every open district and affiliated union, in organisation order."""
    return list(db.session.scalars(
        db.select(Unit).where(Unit.kind.in_(LOCAL_UNION_KINDS), Unit.closed_on.is_(None)).order_by(Unit.position)
    ))
