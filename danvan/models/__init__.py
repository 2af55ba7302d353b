"""Mô hình: initiatives with targets, allocations, progress entries, charity houses and youth roads."""

from flask import Blueprint

bp = Blueprint("models", __name__)

from danvan.models import own, routes, works  # noqa: E402,F401
