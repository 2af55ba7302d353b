"""The organisation: units (a tree that changes over time), their logins and login sessions."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

from flask import g, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Row, String, UniqueConstraint, false, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan import clock
from danvan.clock import real_utcnow
from danvan.database import run
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
    # Since the 2025 reorganisation there is no district level: commune unions sit under the
    # province, and đoàn cơ sở (of a company, a school) report to it directly.
    COMMUNE = "commune"
    GRASSROOTS = "grassroots"
    OUTSIDE = "outside"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


# District-level and affiliated unions: they receive the province's plan, build their own plans
# and mô hình on it, and owe reports to it.
LOCAL_UNION_KINDS = (UnitKind.DISTRICT, UnitKind.AFFILIATED, UnitKind.COMMUNE, UnitKind.GRASSROOTS)

UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: "Tỉnh đoàn",
    UnitKind.STANDING_COMMITTEE: "Ban Thường vụ",
    UnitKind.BOARD: "Ban, Trung tâm thuộc Tỉnh đoàn",
    UnitKind.OFFICE_CELL: "Chi đoàn cơ quan",
    UnitKind.OFFICE_UNION: "Công đoàn cơ sở",
    UnitKind.DISTRICT: "Huyện, Thị, Thành đoàn",
    UnitKind.AFFILIATED: "Đoàn trực thuộc",
    UnitKind.COMMUNE: "Đoàn xã, phường, đặc khu",
    UnitKind.GRASSROOTS: "Đoàn cơ sở",
    UnitKind.OUTSIDE: "Cơ quan bên ngoài",
}


# A unit's first period runs "since always": the Đoàn's founding day, before any plan here.
BEGINNING = date(1931, 3, 26)
# What a change of unit starts a new period of; the rest (position, closing) is not history.
VERSIONED = ("name", "short_name", "kind", "parent_id", "code", "place")


def _as_then(column: str) -> hybrid_property:
    """A unit's `column` as the page's time has it: today's value unless the request is about an
    earlier day (show_units_as_on). SQL expressions and writes go to the stored column."""
    stored = "_" + column

    def get(unit: Unit) -> str:
        then = unit_then(unit.id)
        return getattr(unit, stored) if then is None else getattr(then, column)

    def set_(unit: Unit, value: str) -> None:
        setattr(unit, stored, value)

    return hybrid_property(get, set_, expr=lambda cls: getattr(cls, stored))


class Unit(db.Model):
    """A node of the organisation tree. Renamed or closed units keep their id so old plans hold.

    The columns hold today's values; earlier ones are kept in UnitVersion, one row per period.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind))
    _name: Mapped[str] = mapped_column("name", String(200))
    _short_name: Mapped[str] = mapped_column("short_name", String(80))
    # Ký hiệu in its documents' numbers ("382-KH/TĐTN-TCKT": TĐTN issues, TCKT drafts) and the
    # place name of their date line ("Càng Long, ngày …"); set by the administrator.
    _code: Mapped[str] = mapped_column("code", String(40), default="", server_default="")
    _place: Mapped[str] = mapped_column("place", String(80), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    name = _as_then("name")
    short_name = _as_then("short_name")
    code = _as_then("code")
    place = _as_then("place")

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.position")
    users: Mapped[list[User]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self._short_name}>"

    def values_now(self) -> dict:
        """Today's values of what a period records (the stored columns, whatever the page's day)."""
        return {c: getattr(self, "_" + c if c in ("name", "short_name", "code", "place") else c)
                for c in VERSIONED}


class UnitVersion(db.Model):
    """What a unit was called, what it was and where it sat, from `valid_from` to its next period.

    A unit that never changed has no rows: its columns have been true since it was created.
    """

    __tablename__ = "unit_version"
    __table_args__ = (UniqueConstraint("unit_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    valid_from: Mapped[date]
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    code: Mapped[str] = mapped_column(String(40), default="")
    place: Mapped[str] = mapped_column(String(80), default="")


class UnitSuccession(db.Model):
    """A closed unit's work went on in another from a date (a merge, a split, a reorganisation)."""

    __tablename__ = "unit_succession"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    on: Mapped[date]


def periods_of(unit_id: int) -> list[UnitVersion]:
    """Return a unit's recorded periods, earliest first (empty when it never changed)."""
    return list(db.session.scalars(
        db.select(UnitVersion).where(UnitVersion.unit_id == unit_id).order_by(UnitVersion.valid_from)))


def period_start(unit: Unit) -> date:
    """Return the day the unit's present name and place began (BEGINNING if it never changed)."""
    start = db.session.scalar(db.select(func.max(UnitVersion.valid_from)).where(UnitVersion.unit_id == unit.id))
    return start or BEGINNING


def change_unit(unit: Unit, values: dict, valid_from: date | None) -> None:
    """Give the unit new values from `valid_from`, keeping its earlier period; None corrects the
    present period in place (a typo, not a change). The caller refuses a day before period_start."""
    if valid_from is not None and valid_from > period_start(unit):
        periods = periods_of(unit.id)
        if not periods:
            db.session.add(UnitVersion(unit_id=unit.id, valid_from=BEGINNING, **unit.values_now()))
        db.session.add(UnitVersion(unit_id=unit.id, valid_from=valid_from, **values))
    elif periods := periods_of(unit.id):
        for column, value in values.items():
            setattr(periods[-1], column, value)
    for column, value in values.items():
        setattr(unit, column, value)


# Built once: every page about an earlier day reads the periods with it, as plain columns.
_PERIODS = (db.select(UnitVersion.unit_id, UnitVersion.valid_from,
                      *(getattr(UnitVersion, column) for column in VERSIONED))
            .order_by(UnitVersion.unit_id, UnitVersion.valid_from))


def names_on(day: date) -> dict[int, Row]:
    """Return, for every unit that has changed, the period it was in on `day` (its first when it
    did not exist yet): its VERSIONED columns, in one query. Units absent from the answer have
    always had today's values."""
    book: dict[int, Row] = {}
    for period in run(_PERIODS):
        if period.valid_from <= day or period.unit_id not in book:
            book[period.unit_id] = period
    return book


# Built once: the province view names hundreds of units, a tick on an earlier year's checklist
# names its unit as it was then.
_SHORT_NAMES = db.select(Unit.id, Unit._short_name).where(Unit.id.in_(db.bindparam("ids", expanding=True)))
_PERIOD_NAMES = (db.select(UnitVersion.valid_from, UnitVersion.short_name)
                 .where(UnitVersion.unit_id == db.bindparam("unit_id")).order_by(UnitVersion.valid_from))


def short_name_on(unit_id: int, short_name_now: str, day: date) -> str:
    """Return one unit's short name on `day` (names_on's rule), reading only its own periods: for
    an answer that names one unit (a tick's row), where names_on would read every unit's."""
    if day >= clock.today():
        return short_name_now
    periods = run(_PERIOD_NAMES, {"unit_id": unit_id}).all()
    then = [name for valid_from, name in periods if valid_from <= day] or [name for _, name in periods[:1]]
    return then[-1] if then else short_name_now


def show_units_as_on(day: date) -> None:
    """Make this request show units' names as they were on `day`: the page is about that time
    (a plan of 2021, a report with its cut-off). Pages about today need not call it."""
    if day < clock.today():
        g.units_day = day
        g.pop("units_book", None)


def show_units_of_year(year: int) -> None:
    """A page about a plan year shows units as they were at its end (or today, within the year)."""
    show_units_as_on(date(year, 12, 31))


def unit_then(unit_id: int | None) -> Row | None:
    """Return the unit's period on the request's day, or None to show today's values."""
    if unit_id is None or not has_app_context() or (day := g.get("units_day")) is None:
        return None
    book = g.get("units_book")
    if book is None:
        book = g.units_book = names_on(day)
    return book.get(unit_id)


def short_names(unit_ids: Iterable[int]) -> dict[int, str]:
    """Return {unit id: short name} as the request's day has them, in one query (no objects)."""
    stored = run(_SHORT_NAMES, {"ids": list(unit_ids)})
    return {unit_id: short_name_then(unit_id, name) for unit_id, name in stored}


def short_name_then(unit_id: int, short_name_now: str) -> str:
    """A unit's short name as the request's day has it, given today's (read as a plain column)."""
    then = unit_then(unit_id)
    return then.short_name if then else short_name_now


def forget_units_day() -> None:
    """Start each request about today (tests reuse one application context across requests)."""
    g.pop("units_day", None)
    g.pop("units_book", None)


def successors_of(unit_id: int) -> list[Unit]:
    """Return the units a closed unit's work went on in, in organisation order."""
    return list(db.session.scalars(
        db.select(Unit).join(UnitSuccession, UnitSuccession.successor_id == Unit.id)
        .where(UnitSuccession.predecessor_id == unit_id).order_by(Unit.position)))


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
    """One failed login, kept in the database so throttling holds across server processes.

    A login attempt is written as one, `pending`, before its password is checked (so parallel
    guesses at one account count at once); a wrong password settles it, a right one deletes it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=real_utcnow, index=True)
    # Who tried: the browser's device id once it has logged in here before, else its address.
    address: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    device: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Its password is still being checked: not a failure yet for the address as a whole, where an
    # office logging in together behind one address would otherwise be throttled by its own crowd.
    pending: Mapped[bool] = mapped_column(default=False, server_default=false())


def open_local_unions() -> list[Unit]:
    """Return every open district and affiliated union, in organisation order."""
    return list(db.session.scalars(
        db.select(Unit).where(Unit.kind.in_(LOCAL_UNION_KINDS), Unit.closed_on.is_(None)).order_by(Unit.position)
    ))
