"""Charity houses and youth roads, one by one: added and updated by the unit that builds them.

A saved form carries the row's version: an older form is shown as a conflict, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from danvan.access import Access, access, can_change_works
from danvan.evidence.queries import subject_strip
from danvan.extensions import db
from danvan.models import bp
from danvan.models.checks import check_house, check_road
from danvan.models.forms import HOUSE_STATUS_LABELS, ROAD_STATUS_LABELS, HouseForm, RoadForm
from danvan.models.queries import get_initiative_for_works, get_works
from danvan.orm import House, Initiative, Measure, Road, WorkStatus, record_change
from danvan.web import after_write, form_error, render_page, wants_fragment


def _fill_house(house: House, form) -> None:
    house.commune = form.commune.data
    house.beneficiary = form.beneficiary.data
    house.cost = form.cost.data or 0
    house.funds_mobilised = form.funds_mobilised.data or 0
    house.status = WorkStatus(form.status.data)
    house.handed_over_on = form.handed_over_on.data
    house.note = form.note.data


def _fill_road(road: Road, form) -> None:
    road.name = form.name.data
    road.commune = form.commune.data
    road.length_m = form.length_m.data or 0
    road.status = WorkStatus(form.status.data)
    road.completed_on = form.completed_on.data
    road.note = form.note.data


@dataclass(frozen=True)
class Kind:
    """What differs between houses and roads: class, form, labels, checks, traced fields."""

    model: type[House] | type[Road]
    form: type
    measure: Measure
    labels: dict
    check: Callable
    fill: Callable
    created: tuple[str, ...]
    traced: tuple[str, ...]


KINDS = {
    "house": Kind(House, HouseForm, Measure.HOUSE, HOUSE_STATUS_LABELS, check_house, _fill_house,
                  ("beneficiary", "status", "handed_over_on"), ("status", "funds_mobilised", "handed_over_on")),
    "road": Kind(Road, RoadForm, Measure.ROAD, ROAD_STATUS_LABELS, check_road, _fill_road,
                 ("name", "status"), ("status", "completed_on")),
}


def _form_page(name: str, initiative: Initiative, obj, form, conflict: bool = False, refused: bool = False):
    """The house or road form page (or its form block): blank, filled, or again with its errors."""
    context = dict(initiative=initiative, obj=obj, form=form, labels=KINDS[name].labels, conflict=conflict)
    if obj is not None and not wants_fragment():
        # Who may change a house or road adds its photos (access.can_add_evidence): that is who is here.
        context["photos"] = subject_strip(name, obj.id, may_add=True)
    if refused:
        return form_error(f"models/{name}.html", "form", **context)
    return render_page(f"models/{name}.html", "form", **context)


def _row_url(name: str, item) -> str:
    """The mô hình page at the saved row, which the page highlights (its id is the anchor)."""
    return url_for("models.initiative", initiative_id=item.initiative_id, _anchor=f"{name}-{item.id}")


def _new(name: str, initiative_id: int, message):
    """Show or save a new house or road of the user's unit on an initiative it shares or leads."""
    kind = KINDS[name]
    initiative = get_initiative_for_works(initiative_id, kind.measure)
    if request.method == "GET":
        return _form_page(name, initiative, None, kind.form(formdata=None))
    form = kind.form()
    if not form.validate() & kind.check(form, initiative.plan.year):
        return _form_page(name, initiative, None, form, refused=True)
    item = kind.model(initiative_id=initiative.id, unit_id=current_user.unit_id, created_by_id=current_user.id)
    kind.fill(item, form)
    db.session.add(item)
    db.session.flush()
    record_change(current_user, "create", name, item.id, **{f: getattr(item, f) for f in kind.created})
    db.session.commit()
    return after_write(_row_url(name, item), message(item))


def _edit(name: str, item_id: int, message):
    """Show or save a house or road of the user's unit; a stale or concurrent save is a conflict."""
    kind = KINDS[name]
    item = get_works(kind.model, item_id, may=can_change_works)
    if request.method == "GET":
        form = kind.form(formdata=None, obj=item)
        form.version.data = str(item.version)
        return _form_page(name, item.initiative, item, form)
    form = kind.form()
    valid = form.validate() & kind.check(form, item.initiative.plan.year)
    if str(item.version) != (form.version.data or ""):
        form.version.errors.append("stale")
        return _form_page(name, item.initiative, item, form, conflict=True, refused=True)
    if not valid:
        return _form_page(name, item.initiative, item, form, refused=True)
    before = {f: getattr(item, f) for f in kind.traced}
    kind.fill(item, form)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        item = get_works(kind.model, item_id, may=can_change_works)
        return _form_page(name, item.initiative, item, form, conflict=True, refused=True)
    record_change(current_user, "update", name, item.id, before=before,
                  **{f: getattr(item, f) for f in kind.traced})
    db.session.commit()
    return after_write(_row_url(name, item), message(item))


@bp.route("/initiatives/<id:initiative_id>/houses/new", methods=["GET", "POST"])
@access(Access.WRITER)
def house_new(initiative_id: int):
    """Show or save a new charity house of the user's unit on an initiative it shares or leads."""
    return _new("house", initiative_id, lambda h: f"Đã thêm Nhà Nhân ái cho {h.beneficiary}.")


@bp.route("/houses/<id:house_id>/edit", methods=["GET", "POST"])
@access(Access.WRITER)
def house_edit(house_id: int):
    """Show or save a charity house of the user's unit; a stale version is shown, never overwritten."""
    return _edit("house", house_id, lambda h: f"Đã cập nhật Nhà Nhân ái của {h.beneficiary}.")


@bp.route("/initiatives/<id:initiative_id>/roads/new", methods=["GET", "POST"])
@access(Access.WRITER)
def road_new(initiative_id: int):
    """Show or save a new youth road of the user's unit on an initiative it shares or leads."""
    return _new("road", initiative_id, lambda r: f"Đã thêm tuyến đường {r.name}.")


@bp.route("/roads/<id:road_id>/edit", methods=["GET", "POST"])
@access(Access.WRITER)
def road_edit(road_id: int):
    """Show or save a youth road of the user's unit; a stale version is shown, never overwritten."""
    return _edit("road", road_id, lambda r: f"Đã cập nhật tuyến đường {r.name}.")
