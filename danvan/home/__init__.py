"""A unit's home page, and the province at a glance for those who run the plan."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from danvan.home import reminders, routes  # noqa: E402,F401
