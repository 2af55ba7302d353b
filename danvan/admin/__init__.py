"""Administration: the organisation tree (units) and the logins (accounts)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from danvan.admin import accounts, units  # noqa: E402,F401
