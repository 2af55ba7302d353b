"""Minh chứng: photos with a short note on a unit's mô hình, charity houses, youth roads and checklist items."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from danvan.evidence import routes  # noqa: E402,F401
