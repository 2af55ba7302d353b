"""Login, logout and password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from danvan.access import Access, access
from danvan.auth import bp, throttle
from danvan.auth.forms import LoginForm, PasswordChangeForm
from danvan.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from danvan.auth.sessions import TYPED_RESTORERS, end_all_sessions, end_session, start_session
from danvan.extensions import db
from danvan.orm import User, record_change, utcnow
from danvan.text import username_key

LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
LOGIN_THROTTLED = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
ACCOUNT_LOCKED = ("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị viên (Văn phòng Tỉnh đoàn) "
                  "để được mở lại.")


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
@access(Access.PUBLIC)
def login():
    """Return the login page; on a right password start a session and go to `next` or home."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        key = username_key(form.username.data)[:64]
        if wait := throttle.waiting(key):
            minutes = max(1, round(wait.total_seconds() / 60))
            error = LOGIN_THROTTLED.format(minutes=minutes)
        else:
            user = db.session.scalar(db.select(User).where(User.username == key))
            stored, user_id = (user.password_hash, user.id) if user else (None, None)
            # The attempt counts (pending) before the slow check (argon2: ~0.3 s, 64 MiB), and that
            # short write commits first: no write lock is held while the hash runs, so a crowd
            # logging in at once neither queues behind it nor hits "database is locked".
            attempt_id = throttle.record_attempt(key)
            db.session.commit()
            ok = verify_password(stored, form.password.data)
            user = db.session.get(User, user_id) if ok else None
            if ok and user.active:
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(form.password.data)
                throttle.clear(key)
                start_session(user)
                record_change(user, "login", "user", user.id)
                db.session.commit()
                for restore in TYPED_RESTORERS:  # what the user typed when the session had ended
                    if message := restore(user):
                        flash(message)
                target = (url_for("auth.password") if user.must_change_password
                          else safe_next(request.args.get("next")) or url_for("home.index"))
                response = redirect(target)
                throttle.remember_device(response, throttle.device_id())
                return response
            throttle.settle_failure(attempt_id)  # a wrong password, or a locked account's
            db.session.commit()
            # The right password of a locked account: the owner may know it is locked, and whom to ask.
            error = ACCOUNT_LOCKED if ok else LOGIN_FAILED
    return render_template("auth/login.html", form=form, error=error,
                           expired=request.args.get("expired") == "1")


@bp.post("/logout")
@access(Access.MEMBER)
def logout():
    """End the session on the server and return to the login page."""
    record_change(current_user, "logout", "user", current_user.id)
    end_session(current_user)
    db.session.commit()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@access(Access.MEMBER)
def password():
    """Return the password-change form; a change ends every other session of the account."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        elif form.new.data == form.current.data:
            form.new.errors.append("Mật khẩu mới phải khác mật khẩu hiện tại.")
        elif problem := password_problem(form.new.data, user.username, user.unit.short_name):
            form.new.errors.append(problem)
        else:
            user.password_hash = hash_password(form.new.data)
            user.password_changed_at = utcnow()
            user.must_change_password = False
            end_all_sessions(user.id, keep=user.login_session_id)
            record_change(user, "password_change", "user", user.id)
            db.session.commit()
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất.")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form, first=current_user.must_change_password)


# Where an account that must set its own password may still go.
OPEN_WHILE_CHANGING = frozenset({"auth.password", "auth.logout", "assets.asset", "healthz", "auth.login"})


@bp.before_app_request
def insist_on_own_password():
    """An account given a one-time password sets its own before anything else."""
    # The endpoint first: the health check and static files need no login looked up.
    if (request.endpoint not in OPEN_WHILE_CHANGING and current_user.is_authenticated
            and current_user.must_change_password):
        target = url_for("auth.password")
        if request.headers.get("HX-Request") == "true":
            return Response(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    return None
