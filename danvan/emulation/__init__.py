"""Thi đua: registrations of mô hình, reviews with criteria and evaluators, recognition and commendation."""

from flask import Blueprint

bp = Blueprint("emulation", __name__)

from danvan.emulation import awards, registrations, reviews  # noqa: F401
