"""Mô hình pages: a plan's initiatives by field, one initiative, allocations, progress, houses, roads."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from danvan.access import Access, access, can_write_for, is_coordinator, is_read_only
from danvan import clock
from danvan.extensions import db
from danvan.formatting import AmountError, format_number, format_vnd_short, parse_amount
from danvan.models import bp, rollup
from danvan.models.forms import (
    HOUSE_STATUS_LABELS,
    ROAD_STATUS_LABELS,
    AmountField,
    HouseForm,
    OwnInitiativeForm,
    RoadForm,
    correct_form_class,
    progress_form_class,
)
from danvan.forms import FlaskForm
from danvan.orm import (
    current_province_plan,
    Allocation,
    Field,
    House,
    Initiative,
    Measure,
    Plan,
    PlanStatus,
    ProgressEntry,
    Road,
    Target,
    Unit,
    UnitKind,
    User,
    WorkStatus,
    record_change,
)
from danvan.web import render_page

LOCAL_KINDS = (UnitKind.DISTRICT, UnitKind.AFFILIATED)
ABSURD_FACTOR = 10


# ---- who may do what (object rules; the @access level is only the coarse gate) ----

def can_edit_initiative(user: User, initiative: Initiative) -> bool:
    """Lead unit, the plan's standing unit (TCKT for plan 382) or admin may edit and allocate."""
    if is_read_only(user):
        return False
    return user.unit_id == initiative.lead_unit_id or is_coordinator(user, initiative.plan)


def unit_share(unit_id: int, target: Target) -> int | None:
    """Return the unit's share of a target, or None when it has none."""
    return db.session.scalar(
        db.select(Allocation.amount).where(Allocation.target_id == target.id, Allocation.unit_id == unit_id))


def can_record(user: User, target: Target, share: int | None) -> bool:
    """A unit records progress only on a target it has a share of, or one of an initiative it leads."""
    if is_read_only(user):
        return False
    return share is not None or target.initiative.lead_unit_id == user.unit_id


def can_add_items(user: User, initiative: Initiative, shared_target_ids: set[int]) -> bool:
    """A unit adds houses or roads to an initiative it leads or has a share of."""
    if is_read_only(user):
        return False
    return initiative.lead_unit_id == user.unit_id or bool(
        shared_target_ids & {t.id for t in initiative.targets})


# ---- scoped getters: one per kind, checked against the object's own unit ----

def get_initiative(initiative_id: int, *, edit: bool = False) -> Initiative:
    """Return an initiative (everyone logged in reads); with edit=True, 403 unless may edit."""
    initiative = db.first_or_404(
        db.select(Initiative).where(Initiative.id == initiative_id).options(
            selectinload(Initiative.targets), selectinload(Initiative.lead_unit),
            selectinload(Initiative.coordinating_units), selectinload(Initiative.plan)))
    if edit and not can_edit_initiative(current_user, initiative):
        abort(403)
    return initiative


def get_target_for_progress(target_id: int) -> tuple[Target, int | None]:
    """Return a target the user's unit may record on, and its share; 404 or 403 otherwise."""
    target = db.first_or_404(db.select(Target).where(Target.id == target_id).options(
        selectinload(Target.initiative).selectinload(Initiative.targets),
        selectinload(Target.initiative).selectinload(Initiative.plan)))
    share = unit_share(current_user.unit_id, target)
    if not can_record(current_user, target, share):
        abort(403)
    if rollup.target_source(target) != rollup.Source.ENTRIES:
        # Houses and roads are counted from their lists; a typed total would be counted twice.
        abort(404)
    return target, share


def get_entry_for_correction(entry_id: int) -> ProgressEntry:
    """Return an original progress entry of the user's own unit; 404 or 403 otherwise."""
    entry = db.first_or_404(db.select(ProgressEntry).where(ProgressEntry.id == entry_id).options(
        selectinload(ProgressEntry.target).selectinload(Target.initiative).selectinload(Initiative.plan)))
    if entry.corrects_id is not None:
        abort(404)
    if is_read_only(current_user) or entry.unit_id != current_user.unit_id:
        abort(403)
    return entry


def _get_own_item(model: type[House] | type[Road], item_id: int):
    """Return a house or road of the user's own unit (admin: any); 404 or 403 otherwise."""
    item = db.first_or_404(db.select(model).where(model.id == item_id).options(
        selectinload(model.initiative).selectinload(Initiative.plan), selectinload(model.unit)))
    if not can_write_for(current_user, item.unit_id):
        abort(403)
    return item


def get_house(house_id: int) -> House:
    """Return a charity house of the user's own unit (admin: any); 404 or 403 otherwise."""
    return _get_own_item(House, house_id)


def get_road(road_id: int) -> Road:
    """Return a youth road of the user's own unit (admin: any); 404 or 403 otherwise."""
    return _get_own_item(Road, road_id)


def get_own_unit(unit_id: int) -> Unit:
    """Return the user's own district or affiliated union; 403 for any other unit."""
    unit = db.get_or_404(Unit, unit_id)
    if is_read_only(current_user) or unit.id != current_user.unit_id or unit.kind not in LOCAL_KINDS:
        abort(403)
    return unit


def _items_initiative(initiative_id: int, measure: Measure) -> Initiative:
    """Return an initiative that tracks houses (or roads) and that the user's unit may add to."""
    initiative = get_initiative(initiative_id)
    if measure not in {t.measure for t in initiative.targets}:
        abort(404)
    shared = set(db.session.scalars(db.select(Allocation.target_id).where(
        Allocation.unit_id == current_user.unit_id)))
    if not can_add_items(current_user, initiative, shared):
        abort(403)
    return initiative


# ---- helpers ----

def default_day(year: int) -> date:
    """Today if it falls in the plan year, else the nearest day of that year."""
    today = clock.today()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def amount_text(amount: int, measure: Measure) -> str:
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
        query = query.where(Unit.kind.in_(LOCAL_KINDS) | Unit.id.in_(fixed))
    else:
        query = query.where(Unit.id.in_({initiative.lead_unit_id} | held))
    return list(db.session.scalars(query))


def allocation_form(initiative: Initiative, units: list[Unit], shares: dict[tuple[int, int], int],
                    formdata=None) -> FlaskForm:
    """Build the allocation form: one amount per (target, unit), named a_<target>_<unit>."""

    class AllocationForm(FlaskForm):
        pass

    for target in initiative.targets:
        for unit in units:
            setattr(AllocationForm, f"a_{target.id}_{unit.id}", AmountField(
                unit.short_name, money=target.measure == Measure.MONEY, max_value=10**13))
    form = AllocationForm(formdata=formdata)
    if formdata is None:
        for (target_id, unit_id), amount in shares.items():
            f = getattr(form, f"a_{target_id}_{unit_id}", None)
            if f is not None:
                f.data = amount
    return form


def initiative_context(initiative: Initiative, *, progress_forms: dict | None = None,
                       alloc_form: FlaskForm | None = None, notice: str | None = None) -> dict:
    """Everything the initiative page shows, in a fixed number of queries."""
    totals = rollup.initiative_totals(initiative)
    unit_id = current_user.unit_id
    my_shares = {t.target.id: next((ln.share for ln in t.units if ln.unit.id == unit_id), None)
                 for t in totals}
    shared_ids = {tid for tid, s in my_shares.items() if s is not None}
    measures = {t.measure for t in initiative.targets}
    houses = roads = []
    if Measure.HOUSE in measures:
        houses = db.session.scalars(db.select(House).where(House.initiative_id == initiative.id)
                                    .order_by(House.unit_id, House.id)
                                    .options(selectinload(House.unit))).all()
    if Measure.ROAD in measures:
        roads = db.session.scalars(db.select(Road).where(Road.initiative_id == initiative.id)
                                   .order_by(Road.unit_id, Road.id)
                                   .options(selectinload(Road.unit))).all()
    editable = can_edit_initiative(current_user, initiative)
    recordable = [t for t in totals if t.source == rollup.Source.ENTRIES
                  and can_record(current_user, t.target, my_shares.get(t.target.id))]
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
            alloc_form = allocation_form(initiative, candidates, shares)
    money = next((t for t in totals if t.target.measure == Measure.MONEY), None)
    count = next((t for t in totals if t.target.measure == Measure.HOUSE), None)
    unit_cost = money.target.amount // count.target.amount if money and count and count.target.amount else None
    return dict(
        initiative=initiative, totals=totals, houses=houses, roads=roads, history=_history(initiative),
        editable=editable, recordable=recordable, progress_forms=forms, alloc_form=alloc_form,
        candidates=candidates, can_add=can_add_items(current_user, initiative, shared_ids),
        unit_cost=unit_cost, notice=notice, my_unit_id=unit_id, amount_text=amount_text,
        is_sample=is_sample, house_labels=HOUSE_STATUS_LABELS, road_labels=ROAD_STATUS_LABELS,
    )


def _hx_redirect(url: str):
    """After a successful write: a real redirect, or HX-Redirect for htmx."""
    if request.htmx:
        return Response(status=204, headers={"HX-Redirect": url})
    return redirect(url)


# ---- pages ----

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
def initiatives(plan_id: int):
    """Return a plan's mô hình by field with target-vs-actual bars, and the units' own counts."""
    plan = db.get_or_404(Plan, plan_id)
    initiatives = list(db.session.scalars(
        db.select(Initiative).where(Initiative.plan_id == plan.id).order_by(Initiative.position)
        .options(selectinload(Initiative.targets), selectinload(Initiative.lead_unit))))
    roll = rollup.plan_rollup(plan, initiatives)
    own_units, own_counts = rollup.own_initiative_counts(plan)
    return render_template(
        "models/initiatives.html", plan=plan, roll=roll, own_units=own_units, own_counts=own_counts,
        fields=list(Field), amount_text=amount_text,
        can_own=current_user.unit.kind in LOCAL_KINDS and not is_read_only(current_user),
    )


@bp.get("/initiatives/<id:initiative_id>")
@access(Access.MEMBER)
def initiative(initiative_id: int):
    """Return one initiative: targets, breakdown by unit with a chart, houses or roads, history."""
    return render_page("models/initiative.html", "live", **initiative_context(get_initiative(initiative_id)))


@bp.post("/initiatives/<id:initiative_id>/allocations")
@access(Access.WRITER)
def allocations(initiative_id: int):
    """Save the shares of an initiative's targets; lead unit, standing unit or admin only."""
    initiative = get_initiative(initiative_id, edit=True)
    totals = rollup.initiative_totals(initiative)
    candidates = allocation_candidates(initiative, totals)
    form = allocation_form(initiative, candidates, {}, formdata=request.form)
    if not form.validate():
        return render_page("models/initiative.html", "live",
                           **initiative_context(initiative, alloc_form=form))
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
    if not request.htmx:
        flash("Đã lưu phân bổ chỉ tiêu.")
        return redirect(url_for("models.initiative", initiative_id=initiative.id) + "#phan-bo")
    db.session.expire_all()
    return render_page("models/initiative.html", "live", **initiative_context(
        get_initiative(initiative_id), notice="Đã lưu phân bổ chỉ tiêu."))


def _check_progress(form, target: Target, share: int | None) -> bool:
    """Cross-field rules of a progress entry: a positive amount, a date in the plan year, not absurd."""
    ok = True
    year = target.initiative.plan.year
    if not _check_day(form.recorded_on, year, "Ngày ghi nhận không được ở tương lai."):
        ok = False
    amount = form.amount.data
    if amount is not None:
        limit = ABSURD_FACTOR * share if share else target.amount
        if amount <= 0:
            form.amount.errors.append("Kết quả phải lớn hơn 0.")
            ok = False
        elif amount > limit:
            basis = (f"gấp {ABSURD_FACTOR} lần phần chỉ tiêu của đơn vị ({amount_text(share, target.measure)})"
                     if share else f"toàn bộ chỉ tiêu ({amount_text(target.amount, target.measure)})")
            form.amount.errors.append(f"Con số này vượt quá {basis}. Vui lòng kiểm tra lại.")
            ok = False
    return ok


@bp.route("/targets/<id:target_id>/progress", methods=["GET", "POST"])
@access(Access.WRITER)
def record(target_id: int):
    """Show or save a progress entry on the user's own share of a target (two taps from home)."""
    target, share = get_target_for_progress(target_id)
    initiative = target.initiative
    on_initiative_page = bool(request.htmx) and request.htmx.target == "live"
    prefix = f"t{target.id}"
    form_class = progress_form_class(target.measure)
    form = form_class(prefix=prefix) if request.method == "POST" else form_class(formdata=None, prefix=prefix)
    saved = None
    if request.method == "POST":
        if form.validate() & _check_progress(form, target, share):
            entry = ProgressEntry(target_id=target.id, unit_id=current_user.unit_id,
                                  recorded_on=form.recorded_on.data, amount=form.amount.data,
                                  note=form.note.data, created_by_id=current_user.id)
            db.session.add(entry)
            db.session.flush()
            record_change(current_user, "record", "progress_entry", entry.id, target=target.id,
                          amount=entry.amount, recorded_on=entry.recorded_on)
            db.session.commit()
            saved = f"Đã ghi nhận {amount_text(entry.amount, target.measure)}."
            if not request.htmx:
                flash(saved)
                return redirect(url_for("models.initiative", initiative_id=initiative.id) + "#lich-su")
            form = form_class(formdata=None, prefix=prefix)
        if on_initiative_page:
            db.session.expire_all()
            forms = {} if saved else {target.id: form}
            return render_page("models/initiative.html", "live", **initiative_context(
                get_initiative(initiative.id), progress_forms=forms, notice=saved))
    if form.recorded_on.data is None:
        form.recorded_on.data = default_day(initiative.plan.year)
    mine = rollup.unit_progress(current_user.unit_id, plan_ids=[initiative.plan_id])
    line = next((p for p in mine if p.target.id == target.id), None)
    return render_page("models/record.html", "form", target=target, initiative=initiative, form=form,
                       share=share, line=line, saved=saved, amount_text=amount_text)


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
    if request.method == "POST" and form.validate():
        value = form.amount.data
        share = unit_share(entry.unit_id, target)
        limit = ABSURD_FACTOR * share if share else target.amount
        if value == net:
            form.amount.errors.append("Giá trị đúng trùng với giá trị hiện tại; không có gì để sửa.")
        elif value > limit:
            form.amount.errors.append("Con số này vượt xa chỉ tiêu. Vui lòng kiểm tra lại.")
        else:
            fix = ProgressEntry(target_id=target.id, unit_id=entry.unit_id, recorded_on=entry.recorded_on,
                                amount=value - net, note=form.reason.data, corrects_id=entry.id,
                                created_by_id=current_user.id)
            db.session.add(fix)
            db.session.flush()
            record_change(current_user, "correct", "progress_entry", fix.id, corrects=entry.id,
                          old=net, new=value, reason=form.reason.data)
            db.session.commit()
            flash(f"Đã sửa: {amount_text(net, target.measure)} → {amount_text(value, target.measure)}.")
            return _hx_redirect(url_for("models.initiative", initiative_id=target.initiative_id) + "#lich-su")
    return render_page("models/correct.html", "form", entry=entry, target=target, net=net,
                       corrections=corrections, form=form, amount_text=amount_text)


# ---- charity houses and youth roads ----

def _check_item_dates(form, status_field: str, date_field: str, year: int, done_label: str) -> bool:
    status = getattr(form, status_field).data
    day = getattr(form, date_field)
    if status == WorkStatus.DONE.value and day.data is None:
        day.errors.append(f"Vui lòng nhập {done_label} khi đã hoàn thành.")
        return False
    if day.data is not None and status != WorkStatus.DONE.value:
        day.errors.append(f"Chỉ nhập {done_label} khi đã hoàn thành.")
        return False
    return _check_day(day, year, "Ngày không được ở tương lai.")


def _check_day(day, year: int, future_message: str) -> bool:
    """A date of progress (entry, hand-over, completion) lies in the plan year and not in the future."""
    if day.data is None:
        return True
    if day.data.year != year:
        day.errors.append(f"Ngày phải nằm trong năm {year} của kế hoạch.")
        return False
    if day.data > clock.today():
        day.errors.append(future_message)
        return False
    return True


def _check_house(form, year: int) -> bool:
    ok = _check_item_dates(form, "status", "handed_over_on", year, "ngày bàn giao")
    cost, funds = form.cost.data, form.funds_mobilised.data
    if cost is not None and funds is not None and cost > 0 and funds > ABSURD_FACTOR * cost:
        form.funds_mobilised.errors.append("Kinh phí vận động vượt quá 10 lần chi phí xây dựng; vui lòng kiểm tra.")
        ok = False
    return ok


def _stale(form, obj) -> bool:
    """Return True (and say so) when the form was loaded from an older version of the object."""
    if str(obj.version) != (form.version.data or ""):
        form.version.errors.append("stale")
        return True
    return False


def _item_view(kind: str, initiative: Initiative, obj, form, labels, conflict: bool = False):
    return render_page(f"models/{kind}.html", "form", initiative=initiative, obj=obj, form=form,
                       labels=labels, conflict=conflict)


# Per list kind: status labels, the anchor of its list on the mô hình page, the traced fields.
ITEM_KINDS = {
    "house": (HOUSE_STATUS_LABELS, "#nha", ("status", "funds_mobilised", "handed_over_on")),
    "road": (ROAD_STATUS_LABELS, "#duong", ("status", "completed_on")),
}


def _save_edit(kind: str, obj, form, valid: bool, fill, reload, done_message):
    """Save an edited house or road; a stale form or a concurrent save is shown, never overwritten."""
    labels, anchor, traced = ITEM_KINDS[kind]
    if _stale(form, obj):
        return _item_view(kind, obj.initiative, obj, form, labels, conflict=True)
    if not valid:
        return _item_view(kind, obj.initiative, obj, form, labels)
    before = {name: getattr(obj, name) for name in traced}
    fill(obj, form)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        obj = reload()
        return _item_view(kind, obj.initiative, obj, form, labels, conflict=True)
    record_change(current_user, "update", kind, obj.id, before=before,
                  **{name: getattr(obj, name) for name in traced})
    db.session.commit()
    flash(done_message(obj))
    return _hx_redirect(url_for("models.initiative", initiative_id=obj.initiative_id) + anchor)


@bp.route("/initiatives/<id:initiative_id>/houses/new", methods=["GET", "POST"])
@access(Access.WRITER)
def house_new(initiative_id: int):
    """Show or save a new charity house of the user's unit on an initiative it shares or leads."""
    initiative = _items_initiative(initiative_id, Measure.HOUSE)
    form = HouseForm() if request.method == "POST" else HouseForm(formdata=None)
    if request.method == "POST" and form.validate() & _check_house(form, initiative.plan.year):
        house = House(initiative_id=initiative.id, unit_id=current_user.unit_id, created_by_id=current_user.id)
        _fill_house(house, form)
        db.session.add(house)
        db.session.flush()
        record_change(current_user, "create", "house", house.id, beneficiary=house.beneficiary,
                      status=house.status, handed_over_on=house.handed_over_on)
        db.session.commit()
        flash(f"Đã thêm Nhà Nhân ái cho {house.beneficiary}.")
        return _hx_redirect(url_for("models.initiative", initiative_id=initiative.id) + "#nha")
    return _item_view("house", initiative, None, form, HOUSE_STATUS_LABELS)


def _fill_house(house: House, form) -> None:
    house.commune = form.commune.data
    house.beneficiary = form.beneficiary.data
    house.cost = form.cost.data or 0
    house.funds_mobilised = form.funds_mobilised.data or 0
    house.status = WorkStatus(form.status.data)
    house.handed_over_on = form.handed_over_on.data
    house.note = form.note.data


@bp.route("/houses/<id:house_id>/edit", methods=["GET", "POST"])
@access(Access.WRITER)
def house_edit(house_id: int):
    """Show or save a charity house of the user's unit; a stale version is shown, never overwritten."""
    house = get_house(house_id)
    initiative = house.initiative
    if request.method == "GET":
        form = HouseForm(formdata=None, obj=house)
        form.version.data = str(house.version)
        return _item_view("house", initiative, house, form, HOUSE_STATUS_LABELS)
    form = HouseForm()
    valid = form.validate() & _check_house(form, initiative.plan.year)
    return _save_edit("house", house, form, valid, _fill_house, lambda: get_house(house_id),
                      lambda h: f"Đã cập nhật Nhà Nhân ái của {h.beneficiary}.")


def _fill_road(road: Road, form) -> None:
    road.name = form.name.data
    road.commune = form.commune.data
    road.length_m = form.length_m.data or 0
    road.status = WorkStatus(form.status.data)
    road.completed_on = form.completed_on.data
    road.note = form.note.data


@bp.route("/initiatives/<id:initiative_id>/roads/new", methods=["GET", "POST"])
@access(Access.WRITER)
def road_new(initiative_id: int):
    """Show or save a new youth road of the user's unit on an initiative it shares or leads."""
    initiative = _items_initiative(initiative_id, Measure.ROAD)
    form = RoadForm() if request.method == "POST" else RoadForm(formdata=None)
    if request.method == "POST" and form.validate() & _check_item_dates(
            form, "status", "completed_on", initiative.plan.year, "ngày ra mắt"):
        road = Road(initiative_id=initiative.id, unit_id=current_user.unit_id, created_by_id=current_user.id)
        _fill_road(road, form)
        db.session.add(road)
        db.session.flush()
        record_change(current_user, "create", "road", road.id, name=road.name, status=road.status)
        db.session.commit()
        flash(f"Đã thêm tuyến đường {road.name}.")
        return _hx_redirect(url_for("models.initiative", initiative_id=initiative.id) + "#duong")
    return _item_view("road", initiative, None, form, ROAD_STATUS_LABELS)


@bp.route("/roads/<id:road_id>/edit", methods=["GET", "POST"])
@access(Access.WRITER)
def road_edit(road_id: int):
    """Show or save a youth road of the user's unit; a stale version is shown, never overwritten."""
    road = get_road(road_id)
    initiative = road.initiative
    if request.method == "GET":
        form = RoadForm(formdata=None, obj=road)
        form.version.data = str(road.version)
        return _item_view("road", initiative, road, form, ROAD_STATUS_LABELS)
    form = RoadForm()
    valid = form.validate() & _check_item_dates(form, "status", "completed_on", initiative.plan.year,
                                                "ngày ra mắt")
    return _save_edit("road", road, form, valid, _fill_road, lambda: get_road(road_id),
                      lambda r: f"Đã cập nhật tuyến đường {r.name}.")


# ---- a district or affiliated union's own initiatives ----

def own_plan(unit: Unit, base: Plan) -> Plan:
    """Return the unit's plan based on `base`, creating a draft one on its first own initiative."""
    plan = db.session.scalar(db.select(Plan).where(Plan.parent_plan_id == base.id,
                                                   Plan.owner_unit_id == unit.id))
    if plan is None:
        plan = Plan(year=base.year, code=f"…-KH/{unit.short_name}", title=f"{base.title} của {unit.name}",
                    place=base.place, status=PlanStatus.DRAFT, owner_unit_id=unit.id,
                    standing_unit_id=unit.id, parent_plan_id=base.id,
                    issuer_heading=unit.name.upper(), organisation_heading=base.organisation_heading,
                    basis=f"Căn cứ Kế hoạch số {base.code} của {base.issuer_heading.title()}.")
        db.session.add(plan)
        db.session.flush()
        record_change(current_user, "create", "plan", plan.id, parent=base.id, draft=True)
    return plan


@bp.route("/units/<id:unit_id>/initiatives/new", methods=["GET", "POST"])
@access(Access.WRITER)
def own_new(unit_id: int):
    """Show or save a district or affiliated union's own initiative; the unit itself only."""
    unit = get_own_unit(unit_id)
    base = current_province_plan()
    if base is None:
        abort(404)
    form = OwnInitiativeForm() if request.method == "POST" else OwnInitiativeForm(formdata=None)
    if request.method == "POST" and form.validate():
        measure = Measure(form.measure.data)
        amount = form.amount.data
        if measure != Measure.MONEY:
            try:
                amount = parse_amount(form.amount.raw, money=False, max_value=10**7)
            except AmountError as error:
                form.amount.errors.append(str(error))
        if amount is not None and amount <= 0:
            form.amount.errors.append("Chỉ tiêu phải lớn hơn 0.")
        if not form.amount.errors:
            plan = own_plan(unit, base)
            position = db.session.scalar(db.select(db.func.count(Initiative.id)).where(
                Initiative.plan_id == plan.id)) or 0
            targets = [Target(position=0, measure=measure, amount=amount, label=form.label.data)]
            if form.funds.data and measure != Measure.MONEY:
                targets.append(Target(position=1, measure=Measure.MONEY, amount=form.funds.data,
                                      label="kinh phí", approximate=True))
            initiative = Initiative(plan_id=plan.id, field=Field(form.field.data), position=position,
                                    title=form.title.data, description=form.description.data,
                                    lead_unit_id=unit.id, targets=targets)
            db.session.add(initiative)
            db.session.flush()
            record_change(current_user, "create", "initiative", initiative.id, plan=plan.id,
                          title=initiative.title, field=initiative.field)
            db.session.commit()
            flash(f"Đã thêm mô hình “{initiative.title}”.")
            return _hx_redirect(url_for("models.initiative", initiative_id=initiative.id))
    return render_page("models/own_new.html", "form", unit=unit, base=base, form=form)
