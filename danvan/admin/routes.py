"""Administration pages: the organisation tree and the logins. Administrators only.

Every view carries @access(Access.ADMIN). There is no remember-me cookie in this app, so every
session is a fresh login (TRUST.md R14 holds without a re-authentication prompt).
"""

from __future__ import annotations

import secrets

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, update
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from danvan.access import Access, access
from danvan.admin import bp
from danvan.admin.forms import NO_PARENT, AccountForm, CloseUnitForm, UnitForm, UserForm
from danvan.admin.queries import (
    all_units,
    descendant_ids,
    login_counts,
    name_taken,
    open_units,
    tree_order,
    users_with_last_login,
)
from danvan.auth.passwords import hash_password
from danvan.auth.sessions import end_all_sessions
from danvan import clock
from danvan.extensions import db
from danvan.formatting import format_date
from danvan.orm import LoginSession, Unit, UnitKind, User, record_change, utcnow
from danvan.text import username_key
from danvan.web import after_write, render_page, wants_fragment


def get_unit(unit_id: int) -> Unit:
    """Return any unit, open or closed, with its logins, or 404; the view is admin-only."""
    return db.first_or_404(db.select(Unit).where(Unit.id == unit_id).options(selectinload(Unit.users)))


def get_account(user_id: int) -> User:
    """Return any login with its unit, or 404; the view is admin-only."""
    return db.first_or_404(db.select(User).where(User.id == user_id).options(selectinload(User.unit)))


def generate_password() -> str:
    """Return a random one-time password: 16 URL-safe characters, about 96 bits."""
    return secrets.token_urlsafe(12)


# --- units -------------------------------------------------------------------------------


def _unit_values(unit: Unit) -> dict:
    return {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind.value,
            "parent_id": unit.parent_id, "closed_on": unit.closed_on}


def _parent_choices(form: UnitForm, units: list[Unit], exclude: set[int]) -> None:
    """Offer open units (not `exclude`) as parents, indented to show the tree."""
    choices = [SelectChoice(NO_PARENT, "— Không (cấp cao nhất) —")]
    for unit, depth in tree_order([u for u in units if u.closed_on is None]):
        if unit.id not in exclude:
            choices.append(SelectChoice(str(unit.id), "\u00a0\u00a0" * depth + unit.name))
    form.parent_id.choices = choices


def _check_unit(form: UnitForm, unit: Unit | None, units: list[Unit]) -> bool:
    """Check what the field validators cannot: parent in the tree, no cycle, unique names."""
    by_id = {u.id: u for u in units}
    try:
        parent_id = form.parent_value()
    except ValueError:
        parent_id = -1
    if parent_id is not None:
        parent = by_id.get(parent_id)
        if parent is None:
            form.parent_id.errors.append("Đơn vị cấp trên không tồn tại.")
        elif unit is not None and (parent.id == unit.id or parent.id in descendant_ids(unit, units)):
            form.parent_id.errors.append("Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó.")
        elif parent.closed_on is not None and (unit is None or unit.parent_id != parent.id):
            form.parent_id.errors.append("Đơn vị cấp trên đã ngừng hoạt động.")
    open_unit = unit is None or unit.closed_on is None
    except_id = unit.id if unit else None
    if open_unit and name_taken(form.name.data, except_id=except_id):
        form.name.errors.append("Đã có một đơn vị đang hoạt động mang tên này.")
    if open_unit and name_taken(form.short_name.data, column="short_name", except_id=except_id):
        form.short_name.errors.append("Đã có một đơn vị đang hoạt động mang tên ngắn này.")
    return not (form.parent_id.errors or form.name.errors or form.short_name.errors)


def _units_page(form: UnitForm, units: list[Unit], message: str | None = None):
    _parent_choices(form, units, exclude=set())
    return render_page("admin/units.html", "units", form=form, tree=tree_order(units),
                       counts=login_counts(), message=message)


@bp.get("/units")
@access(Access.ADMIN)
def units():
    """Return the organisation tree and the form to add a unit."""
    return _units_page(UnitForm(formdata=None), all_units())


@bp.post("/units")
@access(Access.ADMIN)
def add_unit():
    """Add a unit; return the tree (fragment with htmx, redirect without), or the form with errors."""
    units = all_units()
    form = UnitForm()
    _parent_choices(form, units, exclude=set())
    valid = form.validate_on_submit()
    if _check_unit(form, None, units) and valid:
        position = db.session.scalar(db.select(func.coalesce(func.max(Unit.position), 0))) + 1
        unit = Unit(name=form.name.data, short_name=form.short_name.data, kind=UnitKind(form.kind.data),
                    parent_id=form.parent_value(), position=position)
        db.session.add(unit)
        db.session.flush()
        record_change(current_user, "unit_create", "unit", unit.id, before=None, after=_unit_values(unit))
        db.session.commit()
        message = f"Đã thêm đơn vị {unit.name}."
        return after_write(url_for("admin.units"), message,
                           lambda: _units_page(UnitForm(formdata=None), all_units(), message))
    return _units_page(form, units)


def _unit_page(unit: Unit, form: UnitForm | None = None, close_form: CloseUnitForm | None = None,
               message: str | None = None, reopen_error: str | None = None):
    units = all_units()
    if form is None:
        form = UnitForm(formdata=None, name=unit.name, short_name=unit.short_name, kind=unit.kind.value,
                        parent_id=str(unit.parent_id or ""))
    exclude = {unit.id} | descendant_ids(unit, units)
    _parent_choices(form, units, exclude)
    if unit.parent_id and unit.parent_id not in exclude and unit.parent and unit.parent.closed_on:
        # A closed parent stays selectable for the unit already under it, so saving keeps it.
        form.parent_id.choices.append(SelectChoice(str(unit.parent_id), unit.parent.name))
    if close_form is None:
        close_form = CloseUnitForm(formdata=None, closed_on=clock.today())
    return render_page("admin/unit.html", "unit", unit=unit, form=form, close_form=close_form,
                       message=message, reopen_error=reopen_error,
                       logins=sorted(unit.users, key=lambda u: u.username))


def _after_unit_change(unit: Unit, message: str):
    return after_write(url_for("admin.units"), message, lambda: _unit_page(unit, message=message))


@bp.get("/units/<id:unit_id>")
@access(Access.ADMIN)
def unit(unit_id: int):
    """Return one unit's page: rename or move it, close or reopen it, its logins."""
    return _unit_page(get_unit(unit_id))


@bp.post("/units/<id:unit_id>/edit")
@access(Access.ADMIN)
def edit_unit(unit_id: int):
    """Rename a unit or change its kind or parent; plans keep pointing at it by id."""
    unit = get_unit(unit_id)
    form = UnitForm()
    units = all_units()
    _parent_choices(form, units, exclude=set())
    valid = form.validate_on_submit()
    if _check_unit(form, unit, units) and valid:
        before = _unit_values(unit)
        unit.name = form.name.data
        unit.short_name = form.short_name.data
        unit.kind = UnitKind(form.kind.data)
        unit.parent_id = form.parent_value()
        after = _unit_values(unit)
        if before == after:
            return _after_unit_change(unit, "Không có gì thay đổi.")
        record_change(current_user, "unit_edit", "unit", unit.id, before=before, after=after)
        db.session.commit()
        return _after_unit_change(unit, f"Đã lưu đơn vị {unit.name}.")
    return _unit_page(unit, form=form)


@bp.post("/units/<id:unit_id>/close")
@access(Access.ADMIN)
def close_unit(unit_id: int):
    """Close a unit from a date: its history stays, its logins are disabled and logged out now."""
    unit = get_unit(unit_id)
    form = CloseUnitForm()
    if form.validate_on_submit():
        field = form.closed_on
        open_children = db.session.scalar(
            db.select(func.count()).where(Unit.parent_id == unit.id, Unit.closed_on.is_(None))
        )
        if unit.closed_on is not None:
            field.errors.append(f"Đơn vị đã ngừng hoạt động từ {format_date(unit.closed_on)}.")
        elif field.data > clock.today():
            field.errors.append("Ngày ngừng hoạt động không được sau hôm nay.")
        elif open_children:
            field.errors.append(f"Còn {open_children} đơn vị trực thuộc đang hoạt động: "
                                "hãy chuyển hoặc cho ngừng hoạt động trước.")
        elif unit.id == current_user.unit_id:
            field.errors.append("Tài khoản của bạn thuộc đơn vị này; không thể tự khoá mình.")
        else:
            disabled = [u for u in unit.users if u.active]
            unit.closed_on = field.data
            for user in disabled:
                user.active = False
            db.session.execute(
                update(LoginSession)
                .where(LoginSession.user_id.in_([u.id for u in unit.users]), LoginSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )
            record_change(current_user, "unit_close", "unit", unit.id, before={"closed_on": None},
                          after={"closed_on": unit.closed_on},
                          disabled_logins=[u.username for u in disabled])
            db.session.commit()
            return _after_unit_change(unit, f"Đơn vị {unit.name} ngừng hoạt động từ "
                                            f"{format_date(unit.closed_on)}; đã khoá {len(disabled)} tài khoản.")
    return _unit_page(unit, close_form=form)


@bp.post("/units/<id:unit_id>/reopen")
@access(Access.ADMIN)
def reopen_unit(unit_id: int):
    """Reopen a closed unit; its logins stay disabled until enabled one by one."""
    unit = get_unit(unit_id)
    error = None
    if unit.closed_on is None:
        error = "Đơn vị đang hoạt động."
    elif unit.parent is not None and unit.parent.closed_on is not None:
        error = f"Đơn vị cấp trên {unit.parent.name} đã ngừng hoạt động: hãy mở lại đơn vị đó trước."
    elif name_taken(unit.name, except_id=unit.id) or name_taken(
        unit.short_name, column="short_name", except_id=unit.id
    ):
        error = "Một đơn vị đang hoạt động đã mang tên này: hãy đổi tên một trong hai trước."
    if error is None:
        before = {"closed_on": unit.closed_on}
        unit.closed_on = None
        record_change(current_user, "unit_reopen", "unit", unit.id, before=before, after={"closed_on": None})
        db.session.commit()
        return _after_unit_change(unit, f"Đã mở lại đơn vị {unit.name}. Các tài khoản của đơn vị "
                                        "vẫn bị khoá cho đến khi được mở từng tài khoản.")
    return _unit_page(unit, reopen_error=error)


# --- accounts ----------------------------------------------------------------------------


def _unit_choices(form: UserForm | AccountForm) -> None:
    form.unit_id.choices = [SelectChoice("", "— Chọn đơn vị —")] + [SelectChoice(str(u.id), u.name) for u in open_units()]


def _chosen_open_unit(form: UserForm | AccountForm) -> Unit | None:
    """Return the open unit chosen in the form, or None with a message beside the field."""
    try:
        unit = db.session.get(Unit, int(form.unit_id.data or "0"))
    except (ValueError, OverflowError):
        unit = None
    if unit is None or unit.closed_on is not None:
        form.unit_id.errors.append("Vui lòng chọn một đơn vị đang hoạt động.")
        return None
    return unit


def _users_page(form: UserForm, **context):
    _unit_choices(form)
    return render_page("admin/users.html", "users", form=form, rows=users_with_last_login(), **context)


def _row(user: User, **context):
    """Return one account's row (htmx) with its latest login time."""
    last = db.session.scalar(db.select(func.max(LoginSession.created_at)).where(LoginSession.user_id == user.id))
    return render_page("admin/users.html", "user_row", user=user, last=last, **context)


def _after_account_change(user: User, message: str):
    return after_write(url_for("admin.users"), message,
                       lambda: _row(user, message_for=user.id, message=message))


def _account_refused(user: User, error: str):
    if wants_fragment():
        return _row(user, error_for=user.id, error=error)
    return _users_page(UserForm(formdata=None), error_for=user.id, error=error)


@bp.get("/users")
@access(Access.ADMIN)
def users():
    """Return every login with its unit and latest login, and the form to add one."""
    return _users_page(UserForm(formdata=None))


@bp.post("/users")
@access(Access.ADMIN)
def add_user():
    """Create a login with a random one-time password, shown once on the page that answers."""
    form = UserForm()
    _unit_choices(form)
    if form.validate_on_submit():
        key = username_key(form.username.data)
        unit = _chosen_open_unit(form)
        if not key or len(key) > 64:
            form.username.errors.append("Tên đăng nhập không hợp lệ.")
        elif db.session.scalar(db.select(User.id).where(User.username == key)):
            form.username.errors.append(f"Tên đăng nhập {key} đã có.")
        if unit is not None and not form.username.errors:
            password = generate_password()
            user = User(username=key, full_name=form.full_name.data, unit_id=unit.id,
                        is_admin=form.is_admin.data, password_hash=hash_password(password))
            db.session.add(user)
            db.session.flush()
            record_change(current_user, "user_create", "user", user.id, before=None,
                          after={"username": key, "unit_id": unit.id, "unit": unit.name,
                                 "is_admin": user.is_admin})
            db.session.commit()
            # Rendered, not redirected: the password must not travel in a cookie or a URL.
            return _users_page(UserForm(formdata=None), created=user, secret_for=user.id, secret=password)
    return _users_page(form)


@bp.post("/users/<id:user_id>/disable")
@access(Access.ADMIN)
def disable_user(user_id: int):
    """Disable a login and end every live session of it now."""
    user = get_account(user_id)
    if user.id == current_user.id:
        return _account_refused(user, "Bạn không thể tự khoá tài khoản của mình.")
    if user.active:
        user.active = False
        end_all_sessions(user.id)
        record_change(current_user, "user_disable", "user", user.id, before={"active": True},
                      after={"active": False})
        db.session.commit()
    return _after_account_change(user, f"Đã khoá tài khoản {user.username} và đăng xuất mọi phiên.")


@bp.post("/users/<id:user_id>/enable")
@access(Access.ADMIN)
def enable_user(user_id: int):
    """Enable a login again, unless its unit is closed."""
    user = get_account(user_id)
    if user.unit.closed_on is not None:
        return _account_refused(user, f"Đơn vị {user.unit.name} đã ngừng hoạt động: hãy mở lại đơn vị trước.")
    if not user.active:
        user.active = True
        record_change(current_user, "user_enable", "user", user.id, before={"active": False},
                      after={"active": True})
        db.session.commit()
    return _after_account_change(user, f"Đã mở khoá tài khoản {user.username}.")


@bp.post("/users/<id:user_id>/reset-password")
@access(Access.ADMIN)
def reset_password(user_id: int):
    """Give a login a new random password, shown once, and end its other sessions."""
    user = get_account(user_id)
    password = generate_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    keep = current_user.login_session_id if user.id == current_user.id else None
    end_all_sessions(user.id, keep=keep)
    record_change(current_user, "user_reset_password", "user", user.id)
    db.session.commit()
    if wants_fragment():
        return _row(user, secret_for=user.id, secret=password)
    return _users_page(UserForm(formdata=None), secret_for=user.id, secret=password, reset=user)


def _account_values(user: User) -> dict:
    return {"full_name": user.full_name, "unit_id": user.unit_id, "is_admin": user.is_admin}


def _account_page(user: User, form: AccountForm | None = None, message: str | None = None):
    if form is None:
        form = AccountForm(formdata=None, full_name=user.full_name, unit_id=str(user.unit_id),
                           is_admin=user.is_admin)
    _unit_choices(form)
    if user.unit.closed_on is not None:
        form.unit_id.choices.append(SelectChoice(str(user.unit_id), f"{user.unit.name} (ngừng hoạt động)"))
    return render_page("admin/user.html", "account", user=user, form=form, message=message)


@bp.get("/users/<id:user_id>")
@access(Access.ADMIN)
def user(user_id: int):
    """Return one login's page: its name, unit and administrator flag."""
    return _account_page(get_account(user_id))


@bp.post("/users/<id:user_id>/edit")
@access(Access.ADMIN)
def edit_user(user_id: int):
    """Change a login's full name, unit or administrator flag; nobody drops their own flag."""
    user = get_account(user_id)
    form = AccountForm()
    _unit_choices(form)
    valid = form.validate_on_submit()
    unit = user.unit if form.unit_id.data == str(user.unit_id) else _chosen_open_unit(form)
    if user.id == current_user.id and not form.is_admin.data:
        form.is_admin.errors.append("Bạn không thể tự bỏ quyền quản trị của mình.")
    if valid and unit is not None and not form.is_admin.errors:
        before = _account_values(user)
        user.full_name = form.full_name.data
        user.unit_id = unit.id
        user.is_admin = form.is_admin.data
        after = _account_values(user)
        if before != after:
            record_change(current_user, "user_edit", "user", user.id, before=before, after=after)
            db.session.commit()
        db.session.refresh(user)
        message = f"Đã lưu tài khoản {user.username}."
        return after_write(url_for("admin.users"), message, lambda: _account_page(user, message=message))
    return _account_page(user, form=form)
