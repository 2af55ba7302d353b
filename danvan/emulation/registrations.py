"""The movement's year on one page, and a unit's đăng ký of the mô hình it will carry out."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user

from danvan.access import Access, access, can_register, can_run_reviews
from danvan.emulation import bp
from danvan.emulation.forms import registration_form
from danvan.emulation.queries import (
    by_field,
    get_province_plan,
    registration_candidates,
    registrations_of,
)
from danvan.extensions import db
from danvan.orm import (
    LOCAL_UNION_KINDS,
    Registration,
    Review,
    Scorecard,
    Unit,
    approved_recognitions,
    current_province_plan,
    lock_row,
    record_change,
    utcnow,
)
from danvan.plan.queries import receiving_unit_ids
from danvan.web import after_write, form_error, render_page


@bp.get("/emulation")
@access(Access.MEMBER)
def current():
    """Redirect to the thi đua page of the latest province plan (the nav link)."""
    plan = current_province_plan()
    if plan is None:
        abort(404)
    return redirect(url_for("emulation.index", plan_id=plan.id))


@bp.get("/plans/<id:plan_id>/emulation")
@access(Access.MEMBER)
def index(plan_id: int):
    """Return the year's thi đua: who registered what by field, who has not, reviews, recognised models."""
    plan = get_province_plan(plan_id)
    registrations = registrations_of(plan)
    registered = {r.unit_id for r in registrations}
    # The district and affiliated unions the plan gave work to (not today's tree: the page is the year's).
    missing = list(db.session.scalars(
        db.select(Unit).where(Unit.id.in_(receiving_unit_ids(plan) - registered), Unit.kind.in_(LOCAL_UNION_KINDS))
        .order_by(Unit.position)))
    reviews = list(db.session.scalars(db.select(Review).where(Review.plan_id == plan.id).order_by(Review.id.desc())))
    return render_page(
        "emulation/index.html", "main", plan=plan, fields=by_field(registrations), missing=missing,
        units_registered=len(registered), reviews=reviews,
        recognised=approved_recognitions(plan_id=plan.id),
        may_register=can_register(current_user, current_user.unit),
        may_run=can_run_reviews(current_user, plan))


def _scored_registration_ids(unit_id: int, plan_id: int) -> set[int]:
    """The unit's registrations a review has assigned: they can no longer be withdrawn."""
    return set(db.session.scalars(
        db.select(Scorecard.registration_id).join(Scorecard.registration)
        .where(Registration.unit_id == unit_id, Registration.plan_id == plan_id)))


@bp.route("/plans/<id:plan_id>/registrations", methods=["GET", "POST"])
@access(Access.WRITER)
def register(plan_id: int):
    """Show or save the unit's registrations for the year; the unit itself only."""
    plan = get_province_plan(plan_id)
    unit = current_user.unit
    if not can_register(current_user, unit):
        abort(403)
    candidates = registration_candidates(unit, plan)
    existing = {r.initiative_id: r for r in db.session.scalars(
        db.select(Registration).where(Registration.plan_id == plan.id, Registration.unit_id == unit.id))}
    form = registration_form(candidates, formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        for initiative in candidates:
            r = existing.get(initiative.id)
            if r is not None and r.withdrawn_at is None:
                getattr(form, f"on_{initiative.id}").data = True
                getattr(form, f"name_{initiative.id}").data = r.responsible_name
                getattr(form, f"position_{initiative.id}").data = r.responsible_position
    context = dict(plan=plan, unit=unit, candidates=candidates, form=form)
    if request.method == "POST":
        ok = form.validate()
        scored = _scored_registration_ids(unit.id, plan.id)
        for initiative in candidates:
            on, name = getattr(form, f"on_{initiative.id}"), getattr(form, f"name_{initiative.id}")
            if on.data and not name.data:
                name.errors = list(name.errors) + ["Vui lòng nhập người phụ trách mô hình."]
                ok = False
            r = existing.get(initiative.id)
            if not on.data and r is not None and r.withdrawn_at is None and r.id in scored:
                on.errors = list(on.errors) + ["Mô hình đã được đưa vào đợt đánh giá, không rút đăng ký được."]
                ok = False
        if not ok:
            return form_error("emulation/register.html", "form", **context)
        lock_row(Unit, unit.id)  # two logins of the unit saving at once make one registration, not two
        changed = _save_registrations(plan, unit, candidates, existing, form)
        if changed:
            record_change(current_user, "register", "unit", unit.id, plan=plan.id, initiatives=changed)
        db.session.commit()
        return after_write(url_for("emulation.index", plan_id=plan.id),
                           "Đã lưu đăng ký mô hình." if changed else "Không có thay đổi.")
    return render_page("emulation/register.html", "form", **context)


def _save_registrations(plan, unit, candidates, existing, form) -> dict[int, str]:
    """Apply the ticks: new, changed, withdrawn or taken up again; return what changed, by mô hình."""
    changed: dict[int, str] = {}
    for initiative in candidates:
        on = getattr(form, f"on_{initiative.id}").data
        name = getattr(form, f"name_{initiative.id}").data
        position = getattr(form, f"position_{initiative.id}").data
        r = existing.get(initiative.id)
        if on and r is None:
            db.session.add(Registration(plan_id=plan.id, initiative_id=initiative.id, unit_id=unit.id,
                                        responsible_name=name, responsible_position=position,
                                        registered_by_id=current_user.id))
            changed[initiative.id] = "registered"
        elif on and (r.withdrawn_at is not None or (r.responsible_name, r.responsible_position) != (name, position)):
            changed[initiative.id] = "registered" if r.withdrawn_at is not None else "changed"
            r.withdrawn_at, r.responsible_name, r.responsible_position = None, name, position
        elif not on and r is not None and r.withdrawn_at is None:
            r.withdrawn_at = utcnow()
            changed[initiative.id] = "withdrawn"
    return changed
