"""Plans as documents that change: edit a draft, submit, sign or return, copy to next year."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from danvan.plans import routes  # noqa: E402,F401
