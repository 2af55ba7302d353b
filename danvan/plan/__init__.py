"""Plans: the list by year, the document, the draft editor, signing, next year's copy, quán triệt."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

from danvan.plan import cascade, editor, routes  # noqa: E402,F401
