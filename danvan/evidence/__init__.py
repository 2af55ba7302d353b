"""Minh chứng: photos with a short note of a unit's mô hình, charity houses, youth roads, checklist items."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from danvan.evidence import routes  # noqa: F401
