"""Plans: the plan document, a unit's home page, and (later) the task checklists."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

from danvan.plan import cascade, checklist, routes  # noqa: E402,F401
