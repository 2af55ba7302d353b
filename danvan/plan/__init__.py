"""Plans: the plan document, a unit's home page, and (later) the task checklists."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

from danvan.plan import routes  # noqa: E402,F401
from danvan.plan import checklist  # noqa: E402,F401
