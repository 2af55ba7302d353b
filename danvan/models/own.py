"""A district or affiliated union's own mô hình, built "căn cứ" the province plan."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from danvan.access import Access, access, can_build_own_plan, require
from danvan.extensions import db
from danvan.formatting import AmountError, parse_amount
from danvan.models import bp
from danvan.models.forms import COUNT_MAX, OwnInitiativeForm
from danvan.orm import (
    Field,
    Initiative,
    Measure,
    Plan,
    Recognition,
    Target,
    Unit,
    approved_recognitions,
    current_province_plan,
    lock_row,
    record_change,
)
from danvan.plan.drafts import new_unit_plan
from danvan.web import after_write, render_page


def get_own_unit(unit_id: int) -> Unit:
    """Return the user's own district or affiliated union; 404, or 403 for any other unit."""
    unit = db.get_or_404(Unit, unit_id)
    require(can_build_own_plan, unit)
    return unit


def _target_amount(form, measure: Measure) -> int | None:
    """The target as typed: money as đồng, anything else as a count (no "tỷ"), above 0."""
    amount = form.amount.data
    if measure != Measure.MONEY:
        try:
            amount = parse_amount(form.amount.raw, money=False, max_value=COUNT_MAX)
        except AmountError as error:
            form.amount.errors.append(str(error))
            return None
    if amount is not None and amount <= 0:
        form.amount.errors.append("Chỉ tiêu phải lớn hơn 0.")
        return None
    return amount


def _prefill_from(form, recognition: Recognition) -> None:
    """Start an adopted mô hình from the recognised one: its field, title and what it is."""
    origin = recognition.registration
    form.field.data = origin.initiative.field.value
    form.title.data = origin.initiative.title
    form.description.data = (f"Nhân rộng từ mô hình “{origin.initiative.title}” của {origin.unit.name} "
                             f"(tiêu biểu năm {recognition.review.plan.year}). {origin.initiative.description}").strip()
    form.replicates.data = str(recognition.id)


@bp.route("/units/<id:unit_id>/initiatives/new", methods=["GET", "POST"])
@access(Access.WRITER)
def own_new(unit_id: int):
    """Show or save a district or affiliated union's own initiative; the unit itself only."""
    unit = get_own_unit(unit_id)
    base = current_province_plan()
    if base is None:
        abort(404)
    form = OwnInitiativeForm() if request.method == "POST" else OwnInitiativeForm(formdata=None)
    adoptable = approved_recognitions(exclude_unit=unit.id)  # other units' mô hình tiêu biểu, to replicate
    by_id = {str(r.id): r for r in adoptable}
    if request.method == "GET" and request.args.get("from") in by_id:
        _prefill_from(form, by_id[request.args["from"]])
    replicated = by_id.get(form.replicates.data or "")
    if request.method == "POST" and form.replicates.data and replicated is None:
        form.replicates.data = ""  # not a recognised mô hình of another unit: saved as the unit's own
    if request.method == "POST" and form.validate():
        measure = Measure(form.measure.data)
        amount = _target_amount(form, measure)
        if amount is not None:
            lock_row(Unit, unit.id)  # the unit's first two mô hình at once make one plan, not two
            plan = db.session.scalar(db.select(Plan).where(Plan.parent_plan_id == base.id,
                                                           Plan.owner_unit_id == unit.id))
            plan = plan or new_unit_plan(current_user, unit, base)
            position = db.session.scalar(db.select(db.func.count(Initiative.id)).where(
                Initiative.plan_id == plan.id)) or 0
            targets = [Target(position=0, measure=measure, amount=amount, label=form.label.data)]
            if form.funds.data and measure != Measure.MONEY:
                targets.append(Target(position=1, measure=Measure.MONEY, amount=form.funds.data,
                                      label="kinh phí", approximate=True))
            initiative = Initiative(plan_id=plan.id, field=Field(form.field.data), position=position,
                                    title=form.title.data, description=form.description.data,
                                    lead_unit_id=unit.id, targets=targets,
                                    replicated_from_id=replicated.id if replicated else None)
            db.session.add(initiative)
            db.session.flush()
            record_change(current_user, "create", "initiative", initiative.id, plan=plan.id,
                          title=initiative.title, field=initiative.field,
                          replicates=initiative.replicated_from_id)
            db.session.commit()
            return after_write(url_for("models.initiative", initiative_id=initiative.id),
                               f"Đã thêm mô hình “{initiative.title}”.")
    return render_page("models/own_new.html", "form", unit=unit, base=base, form=form, adoptable=adoptable,
                       replicated=replicated)
