"""Mô hình pages: a plan's initiatives by field, one initiative, allocations, progress, corrections."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, can_build_own_plan, can_edit_initiative
from danvan.extensions import db
from danvan.models import bp, rollup
from danvan.models.checks import check_correction, check_cutoff, check_progress
from danvan.models.forms import allocation_form, correct_form_class, progress_form_class
from danvan.models.queries import (
    allocation_candidates,
    amount_text,
    default_day,
    get_entry_for_correction,
    get_initiative,
    get_target_for_progress,
    initiative_context,
    open_report_of,
    unit_share,
)
from danvan.orm import (
    Allocation,
    Field,
    Initiative,
    Plan,
    ProgressEntry,
    current_province_plan,
    lock_row,
    record_change,
    show_units_of_year,
)
from danvan.pagecache import PROGRESS, REPORTS, cached_page
from danvan.text import small_id
from danvan.web import after_write, form_error, render_page

PAGE = "models/initiative.html"


def _page_url(initiative_id: int, anchor: str = "") -> str:
    return url_for("models.initiative", initiative_id=initiative_id) + anchor


@bp.get("/initiatives")
@access(Access.MEMBER)
def index():
    """Redirect to the mô hình page of the latest province plan (the nav link)."""
    plan = current_province_plan()
    if plan is None:
        abort(404)
    return redirect(url_for("models.initiatives", plan_id=plan.id))


@bp.get("/plans/<id:plan_id>/initiatives")
@access(Access.MEMBER)
# Results, shares and works, and the cut-off of the unit's open report: no checklist.
@cached_page(shows=(PROGRESS, REPORTS))
def initiatives(plan_id: int):
    """Return a plan's mô hình by field with target-vs-actual bars, and the units' own counts."""
    plan = db.get_or_404(Plan, plan_id)
    show_units_of_year(plan.year)
    initiatives = list(db.session.scalars(
        db.select(Initiative).where(Initiative.plan_id == plan.id).order_by(Initiative.position)
        .options(selectinload(Initiative.targets), selectinload(Initiative.lead_unit))))
    roll = rollup.plan_rollup(plan, initiatives)
    own_units, own_counts = rollup.own_initiative_counts(plan)
    return render_template(
        "models/initiatives.html", plan=plan, roll=roll, own_units=own_units, own_counts=own_counts,
        fields=list(Field), amount_text=amount_text,
        can_own=can_build_own_plan(current_user, current_user.unit),
    )


@bp.get("/initiatives/<id:initiative_id>")
@access(Access.MEMBER)
def initiative(initiative_id: int):
    """Return one initiative: targets, breakdown by unit with a chart, houses or roads, history."""
    return render_page(PAGE, "live", **initiative_context(
        get_initiative(initiative_id), works_unit=small_id(request.args.get("unit")) or None,
        works_status=request.args.get("state")))


def _fresh_page(initiative_id: int, **context) -> str:
    """The initiative page's live block after a write, read again from the database."""
    db.session.expire_all()
    return render_page(PAGE, "live", **initiative_context(get_initiative(initiative_id), **context))


@bp.post("/initiatives/<id:initiative_id>/allocations")
@access(Access.WRITER)
def allocations(initiative_id: int):
    """Save the shares of an initiative's targets; lead unit, standing unit or admin only."""
    initiative = get_initiative(initiative_id, may=can_edit_initiative)
    candidates = allocation_candidates(initiative, rollup.initiative_totals(initiative))
    form = allocation_form(initiative.targets, candidates, {}, formdata=request.form)
    if not form.validate():
        return form_error(PAGE, "live", **initiative_context(initiative, alloc_form=form))
    # One allocation save of a mô hình at a time, over the shares as last committed.
    lock_row(Initiative, initiative.id)
    existing = {(a.target_id, a.unit_id): a for a in db.session.scalars(
        db.select(Allocation).where(Allocation.target_id.in_([t.id for t in initiative.targets])))}
    changed = {}
    for target in initiative.targets:
        for unit in candidates:
            value = getattr(form, f"a_{target.id}_{unit.id}").data
            current = existing.get((target.id, unit.id))
            if value in (None, 0):
                if current is not None:
                    db.session.delete(current)
                    changed[f"{target.id}/{unit.id}"] = None
            elif current is None:
                db.session.add(Allocation(target_id=target.id, unit_id=unit.id, amount=value,
                                          updated_by_id=current_user.id))
                changed[f"{target.id}/{unit.id}"] = value
            elif current.amount != value:
                current.amount = value
                current.updated_by_id = current_user.id
                changed[f"{target.id}/{unit.id}"] = value
    if changed:
        record_change(current_user, "allocate", "initiative", initiative.id, shares=changed)
    db.session.commit()
    message = "Đã lưu phân bổ chỉ tiêu."
    return after_write(_page_url(initiative.id, "#phan-bo"), message,
                       lambda: _fresh_page(initiative_id, notice=message))


@bp.route("/targets/<id:target_id>/progress", methods=["GET", "POST"])
@access(Access.WRITER)
def record(target_id: int):
    """Show or save a progress entry on the user's own share of a target (two taps from home)."""
    target, share = get_target_for_progress(target_id)
    initiative = target.initiative
    # Posted from the mô hình page, the answer is that page's live block; else the small form page.
    on_initiative_page = bool(request.htmx) and request.htmx.target == "live"
    prefix = f"t{target.id}"
    form_class = progress_form_class(target.measure)
    form = form_class(prefix=prefix) if request.method == "POST" else form_class(formdata=None, prefix=prefix)
    report = open_report_of(current_user.unit_id, initiative.plan_id)
    if request.method == "POST":
        if form.validate() & check_progress(form, target, share) and check_cutoff(form, report):
            entry = ProgressEntry(target_id=target.id, unit_id=current_user.unit_id,
                                  recorded_on=form.recorded_on.data, amount=form.amount.data,
                                  note=form.note.data, created_by_id=current_user.id)
            db.session.add(entry)
            db.session.flush()
            record_change(current_user, "record", "progress_entry", entry.id, target=target.id,
                          amount=entry.amount, recorded_on=entry.recorded_on)
            db.session.commit()
            message = f"Đã ghi nhận {amount_text(entry.amount, target.measure)}."
            fragment = ((lambda: _fresh_page(initiative.id, notice=message)) if on_initiative_page
                        else (lambda: _record_form(target, share, form_class(formdata=None, prefix=prefix),
                                                   saved=message)))
            return after_write(_page_url(initiative.id, "#lich-su"), message, fragment)
        if on_initiative_page:
            return form_error(PAGE, "live", **initiative_context(initiative, progress_forms={target.id: form}))
    return _record_form(target, share, form)


def _record_form(target, share: int | None, form, saved: str | None = None) -> str:
    """The small page (or its form block) that records progress on one target."""
    initiative = target.initiative
    if form.recorded_on.data is None:
        form.recorded_on.data = default_day(initiative.plan.year)
    mine = rollup.unit_progress(current_user.unit_id, plan_ids=[initiative.plan_id])
    line = next((p for p in mine if p.target.id == target.id), None)
    return render_page("models/record.html", "form", target=target, initiative=initiative, form=form,
                       share=share, line=line, saved=saved, amount_text=amount_text,
                       report=open_report_of(current_user.unit_id, initiative.plan_id))


@bp.route("/progress/<id:entry_id>/correct", methods=["GET", "POST"])
@access(Access.WRITER)
def correct(entry_id: int):
    """Show or save a correction of one of the unit's own entries: a new row with a reason."""
    entry = get_entry_for_correction(entry_id)
    target = entry.target
    corrections = db.session.scalars(db.select(ProgressEntry).where(ProgressEntry.corrects_id == entry.id)
                                     .order_by(ProgressEntry.id)).all()
    net = entry.amount + sum(c.amount for c in corrections)
    form_class = correct_form_class(target.measure)
    form = form_class() if request.method == "POST" else form_class(formdata=None)
    if request.method == "POST" and form.validate() and check_correction(
            form, net, unit_share(entry.unit_id, target), target):
        value = form.amount.data
        fix = ProgressEntry(target_id=target.id, unit_id=entry.unit_id, recorded_on=entry.recorded_on,
                            amount=value - net, note=form.reason.data, corrects_id=entry.id,
                            created_by_id=current_user.id)
        db.session.add(fix)
        db.session.flush()
        record_change(current_user, "correct", "progress_entry", fix.id, corrects=entry.id,
                      old=net, new=value, reason=form.reason.data)
        db.session.commit()
        return after_write(_page_url(target.initiative_id, "#lich-su"),
                           f"Đã sửa: {amount_text(net, target.measure)} → {amount_text(value, target.measure)}.")
    return render_page("models/correct.html", "form", entry=entry, target=target, net=net,
                       corrections=corrections, form=form, amount_text=amount_text)
