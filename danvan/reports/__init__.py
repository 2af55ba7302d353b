"""Reports: the schedule, a unit's report, review rounds, the compiled province report, exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from danvan.reports import compiled, kept, routes  # noqa: E402,F401
