"""Loading mô hình for their pages: scoped getters (each with its rule) and the initiative page."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import case, func
from sqlalchemy.orm import selectinload

from danvan import clock
from danvan.access import (
    Rule,
    can_add_works,
    can_correct_entry,
    can_edit_initiative,
    can_record_progress,
    require,
)
from danvan.evidence.queries import subject_strip, works_photo_counts
from danvan.extensions import db
from danvan.formatting import format_number, format_vnd_short
from danvan.models import rollup
from danvan.models.forms import HOUSE_STATUS_LABELS, ROAD_STATUS_LABELS, allocation_form, progress_form_class
from danvan.orm import (
    LOCAL_UNION_KINDS,
    OPEN_STATES,
    Report,
    ReportingPeriod,
    Allocation,
    House,
    Initiative,
    Measure,
    ProgressEntry,
    Road,
    Target,
    Unit,
    WorkStatus,
    approved_recognitions,
    show_units_of_year,
)
from danvan.orm.org import short_name_then


def get_initiative(initiative_id: int, may: Rule | None = None) -> Initiative:
    """Return an initiative (every login reads mô hình); 403 when `may` refuses the account."""
    initiative = db.first_or_404(
        db.select(Initiative).where(Initiative.id == initiative_id).options(
            selectinload(Initiative.targets), selectinload(Initiative.lead_unit),
            selectinload(Initiative.coordinating_units), selectinload(Initiative.plan)))
    require(may, initiative)
    show_units_of_year(initiative.plan.year)
    return initiative


def unit_share(unit_id: int, target: Target) -> int | None:
    """Return the unit's share of a target, or None when it has none."""
    return db.session.scalar(
        db.select(Allocation.amount).where(Allocation.target_id == target.id, Allocation.unit_id == unit_id))


def get_target_for_progress(target_id: int) -> tuple[Target, int | None]:
    """Return a target the user's unit may record on, and its share; 404 or 403 otherwise."""
    target = db.first_or_404(db.select(Target).where(Target.id == target_id).options(
        selectinload(Target.initiative).selectinload(Initiative.targets),
        selectinload(Target.initiative).selectinload(Initiative.plan)))
    share = unit_share(current_user.unit_id, target)
    require(lambda user, t: can_record_progress(user, t, share), target)
    if rollup.target_source(target) != rollup.Source.ENTRIES:
        # Houses and roads are counted from their lists; a typed total would be counted twice.
        abort(404)
    show_units_of_year(target.initiative.plan.year)
    return target, share


def get_entry_for_correction(entry_id: int) -> ProgressEntry:
    """Return an original progress entry of the user's own unit; 404 or 403 otherwise."""
    entry = db.first_or_404(db.select(ProgressEntry).where(ProgressEntry.id == entry_id).options(
        selectinload(ProgressEntry.target).selectinload(Target.initiative).selectinload(Initiative.plan)))
    if entry.corrects_id is not None:
        abort(404)
    require(can_correct_entry, entry)
    show_units_of_year(entry.target.initiative.plan.year)
    return entry


def get_works(model: type[House] | type[Road], item_id: int, may: Rule) -> House | Road:
    """Return a charity house or youth road with its initiative and unit; 404, or 403 when `may` refuses."""
    item = db.first_or_404(db.select(model).where(model.id == item_id).options(
        selectinload(model.initiative).selectinload(Initiative.plan), selectinload(model.unit)))
    require(may, item)
    show_units_of_year(item.initiative.plan.year)
    return item


def shared_target_ids(unit_id: int) -> set[int]:
    """Return the ids of the targets a unit has a share of."""
    return set(db.session.scalars(db.select(Allocation.target_id).where(Allocation.unit_id == unit_id)))


def get_initiative_for_works(initiative_id: int, measure: Measure) -> Initiative:
    """Return an initiative that tracks houses (or roads) and that the user's unit may add to."""
    initiative = get_initiative(initiative_id)
    if measure not in {t.measure for t in initiative.targets}:
        abort(404)
    shared = shared_target_ids(current_user.unit_id)
    require(lambda user, i: can_add_works(user, i, shared), initiative)
    return initiative


def open_report_of(unit_id: int, plan_id: int) -> Report | None:
    """The report of the plan the unit still owes, the earliest due (what new progress may miss)."""
    return db.session.scalar(
        db.select(Report).join(Report.period)
        .where(Report.unit_id == unit_id, ReportingPeriod.plan_id == plan_id, Report.status.in_(OPEN_STATES))
        .order_by(ReportingPeriod.due_on).limit(1).options(selectinload(Report.period)))


def default_day(year: int) -> date:
    """Today if it falls in the plan year, else the nearest day of that year."""
    today = clock.today()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def amount_text(amount: int, measure: Measure) -> str:
    """Write an amount in its measure: "3,6 tỷ đồng", "3.000 em"."""
    return format_vnd_short(amount) if measure == Measure.MONEY else f"{format_number(amount)} {measure.label}"


def is_sample(note: str | None) -> bool:
    return bool(note) and "dữ liệu mẫu" in note


def _history(initiative: Initiative) -> list[dict]:
    """Return the initiative's entries, newest first, each original with its corrections and net."""
    target_ids = [t.id for t in initiative.targets]
    entries = db.session.scalars(
        db.select(ProgressEntry).where(ProgressEntry.target_id.in_(target_ids))
        .order_by(ProgressEntry.recorded_on.desc(), ProgressEntry.id.desc())
        .options(selectinload(ProgressEntry.unit), selectinload(ProgressEntry.created_by))
        .limit(200)).all()
    corrections: dict[int, list[ProgressEntry]] = {}
    for e in entries:
        if e.corrects_id:
            corrections.setdefault(e.corrects_id, []).append(e)
    rows = []
    for e in entries:
        if e.corrects_id:
            continue
        fixes = sorted(corrections.get(e.id, []), key=lambda c: c.id)
        rows.append({"entry": e, "corrections": fixes, "net": e.amount + sum(c.amount for c in fixes)})
    return rows


def allocation_candidates(initiative: Initiative, totals: list[rollup.TargetTotal]) -> list[Unit]:
    """Units that may get a share: local unions, the lead and coordinating units, current holders."""
    held = {line.unit.id for total in totals for line in total.units if line.share is not None}
    query = db.select(Unit).where(Unit.closed_on.is_(None)).order_by(Unit.position)
    if initiative.plan.parent_plan_id is None:
        fixed = {initiative.lead_unit_id} | {u.id for u in initiative.coordinating_units} | held
        query = query.where(Unit.kind.in_(LOCAL_UNION_KINDS) | Unit.id.in_(fixed))
    else:
        query = query.where(Unit.id.in_({initiative.lead_unit_id} | held))
    return list(db.session.scalars(query))


def _works(model: type[House] | type[Road], initiative: Initiative, unit_id: int | None,
           status: str | None) -> list:
    """A mô hình's houses or roads, the user's own unit first, optionally of one unit or state."""
    query = db.select(model).where(model.initiative_id == initiative.id)
    if unit_id:
        query = query.where(model.unit_id == unit_id)
    if status in {s.value for s in WorkStatus}:
        query = query.where(model.status == WorkStatus(status))
    own_first = case((model.unit_id == current_user.unit_id, 0), else_=1)
    return db.session.scalars(query.order_by(own_first, model.unit_id, model.id)
                              .options(selectinload(model.unit))).all()


def _works_units(model: type[House] | type[Road], initiative: Initiative) -> list[tuple[int, str, int]]:
    """(unit id, name, count) of the units with houses or roads on the mô hình, own unit first."""
    rows = db.session.execute(
        db.select(Unit.id, Unit.short_name, func.count(model.id)).join(model, model.unit_id == Unit.id)
        .where(model.initiative_id == initiative.id).group_by(Unit.id, Unit.short_name, Unit.position)
        .order_by(case((Unit.id == current_user.unit_id, 0), else_=1), Unit.position)).all()
    # The name as the page's time has it (a unit renamed since 2021 keeps its 2021 name here).
    return [(unit_id, short_name_then(unit_id, name), count) for unit_id, name, count in rows]


def initiative_context(initiative: Initiative, *, progress_forms: dict | None = None,
                       alloc_form=None, notice: str | None = None, works_unit: int | None = None,
                       works_status: str | None = None) -> dict:
    """Everything the initiative page shows, in a fixed number of queries."""
    totals = rollup.initiative_totals(initiative)
    unit_id = current_user.unit_id
    my_shares = {t.target.id: next((ln.share for ln in t.units if ln.unit.id == unit_id), None)
                 for t in totals}
    shared_ids = {tid for tid, s in my_shares.items() if s is not None}
    measures = {t.measure for t in initiative.targets}
    houses = _works(House, initiative, works_unit, works_status) if Measure.HOUSE in measures else []
    roads = _works(Road, initiative, works_unit, works_status) if Measure.ROAD in measures else []
    works_model = House if Measure.HOUSE in measures else Road if Measure.ROAD in measures else None
    works_units = _works_units(works_model, initiative) if works_model else []
    editable = can_edit_initiative(current_user, initiative)
    recordable = [t for t in totals if t.source == rollup.Source.ENTRIES
                  and can_record_progress(current_user, t.target, my_shares.get(t.target.id))]
    forms = dict(progress_forms or {})
    for t in recordable:
        if t.target.id not in forms:
            form = progress_form_class(t.target.measure)(formdata=None, prefix=f"t{t.target.id}")
            form.recorded_on.data = default_day(initiative.plan.year)
            forms[t.target.id] = form
    candidates = []
    if editable:
        candidates = allocation_candidates(initiative, totals)
        if alloc_form is None:
            shares = {(t.target.id, ln.unit.id): ln.share for t in totals for ln in t.units
                      if ln.share is not None}
            alloc_form = allocation_form(initiative.targets, candidates, shares)
    can_add = can_add_works(current_user, initiative, shared_ids)
    house_photos, road_photos = works_photo_counts(initiative.id) if houses or roads else ({}, {})
    money = next((t for t in totals if t.target.measure == Measure.MONEY), None)
    count = next((t for t in totals if t.target.measure == Measure.HOUSE), None)
    unit_cost = money.target.amount // count.target.amount if money and count and count.target.amount else None
    return dict(
        initiative=initiative, totals=totals, houses=houses, roads=roads, history=_history(initiative),
        editable=editable, recordable=recordable, progress_forms=forms, alloc_form=alloc_form,
        candidates=candidates, can_add=can_add,
        # A mô hình's photos are added by who may add its houses and roads (access.can_add_evidence).
        photos=subject_strip("initiative", initiative.id, may_add=can_add),
        house_photos=house_photos, road_photos=road_photos,
        unit_cost=unit_cost, notice=notice, my_unit_id=unit_id, amount_text=amount_text,
        is_sample=is_sample, house_labels=HOUSE_STATUS_LABELS, road_labels=ROAD_STATUS_LABELS,
        works_units=works_units, works_unit=works_unit, works_status=works_status or "",
        works_total=sum(n for _u, _name, n in works_units),
        recognitions=approved_recognitions(initiative_ids=[initiative.id]),
    )
