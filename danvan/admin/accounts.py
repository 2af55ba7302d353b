"""The logins: create one with a one-time password, lock, unlock, reset, edit. Administrators only."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from danvan.access import Access, access
from danvan.admin import bp
from danvan.admin.forms import AccountForm, UserForm
from danvan.admin.queries import open_units, users_with_last_login
from danvan.auth import throttle
from danvan.auth.passwords import hash_password, one_time_password
from danvan.auth.sessions import end_all_sessions
from danvan.clock import real_utcnow
from danvan.extensions import db
from danvan.orm import LoginSession, Unit, User, record_change, utcnow
from danvan.text import username_key
from danvan.web import after_write, render_page, wants_fragment


def get_account(user_id: int) -> User:
    """Return any login with its unit, or 404; the view is admin-only."""
    return db.first_or_404(db.select(User).where(User.id == user_id).options(selectinload(User.unit)))



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
            password = one_time_password()
            user = User(username=key, full_name=form.full_name.data, unit_id=unit.id,
                        is_admin=form.is_admin.data, password_hash=hash_password(password),
                        must_change_password=True)
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
        return _account_refused(user, "Bạn không thể tự khóa tài khoản của mình.")
    if user.active:
        user.active = False
        end_all_sessions(user.id)
        record_change(current_user, "user_disable", "user", user.id, before={"active": True},
                      after={"active": False})
        db.session.commit()
    return _after_account_change(user, f"Đã khóa tài khoản {user.username} và đăng xuất mọi phiên.")


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
    return _after_account_change(user, f"Đã mở khóa tài khoản {user.username}.")


@bp.post("/users/<id:user_id>/reset-password")
@access(Access.ADMIN)
def reset_password(user_id: int):
    """Give a login a new random password, shown once, and end its other sessions."""
    user = get_account(user_id)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    # The owner sets their own at the next login; an administrator resetting their own is its owner.
    user.must_change_password = user.id != current_user.id
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


def _throttles_page(message: str | None = None):
    config = current_app.config
    now = real_utcnow()
    rows = []
    for row in throttle.throttled_sources():
        left = int(throttle.wait_after(row.failures, config["LOGIN_FAILURE_LIMIT"], row.last, now).total_seconds())
        rows.append({**row._asdict(), "wait": f"{left // 60} phút {left % 60} giây" if left else "–"})
    return render_page("admin/throttles.html", "throttles", rows=rows, message=message,
                       free=config["LOGIN_FAILURE_LIMIT"],
                       window=int(config["LOGIN_FAILURE_WINDOW"].total_seconds() // 60))


@bp.get("/throttles")
@access(Access.ADMIN)
def throttles():
    """Return the accounts with recent wrong passwords, by source, and how long each must wait."""
    return _throttles_page()


@bp.post("/throttles/clear")
@access(Access.ADMIN)
def clear_throttle():
    """Let one account log in again from one source at once (the owner, on the telephone)."""
    key = username_key(request.form.get("username", ""))[:64]
    address, device = request.form.get("address", "")[:64], request.form.get("device", "")[:64]
    cleared = throttle.clear_source(key, address, device)
    if cleared:
        record_change(current_user, "throttle_clear", "user", None, username=key, address=address,
                      failures=cleared)
    db.session.commit()
    message = f"Đã cho {key} đăng nhập lại." if cleared else "Không còn lần sai nào để xóa."
    return after_write(url_for("admin.throttles"), message, lambda: _throttles_page(message))
