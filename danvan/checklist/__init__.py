"""The live checklist: each unit's tasks broken into items it ticks, the province view, live updates."""

from flask import Blueprint

from danvan.checklist.completion import task_done

bp = Blueprint("checklist", __name__)
# Templates show "Hoàn thành" by the same rule the reports and the home page count with.
bp.add_app_template_global(task_done, "task_done")

from danvan.checklist import live, province, routes  # noqa: E402,F401
