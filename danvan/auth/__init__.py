"""Logins: the login page, logout, server-side sessions, passwords, account CLI."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from danvan.auth import routes  # noqa: E402,F401
from danvan.auth.sessions import refresh_idle_deadline  # noqa: E402

bp.before_app_request(refresh_idle_deadline)
from danvan.auth.cli import register_cli  # noqa: E402,F401
