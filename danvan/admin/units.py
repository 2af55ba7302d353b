"""The organisation tree: add a unit, rename or move it from a date, close it with successors
(a merge, a split, a dissolution) or reopen it. Administrators only.

Every view carries @access(Access.ADMIN). There is no remember-me cookie in this app, so every
session is a fresh login (TRUST.md R14 holds without a re-authentication prompt).
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from danvan import clock
from danvan.access import Access, access
from danvan.admin import bp, succession
from danvan.admin.forms import CloseUnitForm, EditUnitForm, UnitForm
from danvan.admin.queries import all_units, descendant_ids, login_counts, name_taken, tree_order
from danvan.extensions import db
from danvan.formatting import format_date
from danvan.orm import (
    Unit,
    UnitKind,
    UnitSuccession,
    change_unit,
    period_start,
    record_change,
    successors_of,
)
from danvan.orm.org import periods_of
from danvan.web import after_write, render_page


def get_unit(unit_id: int) -> Unit:
    """Return any unit, open or closed, with its logins, or 404; the view is admin-only."""
    return db.first_or_404(db.select(Unit).where(Unit.id == unit_id).options(selectinload(Unit.users)))



def _unit_values(unit: Unit) -> dict:
    return {**unit.values_now(), "kind": unit.kind.value, "closed_on": unit.closed_on}


def _open_unit_choices(units: list[Unit], exclude: set[int], first: str | None = None) -> list[SelectChoice]:
    """Open units (not `exclude`), indented to show the tree, after an optional `first` choice."""
    choices = [] if first is None else [SelectChoice("", first)]
    for unit, depth in tree_order([u for u in units if u.closed_on is None]):
        if unit.id not in exclude:
            choices.append(SelectChoice(str(unit.id), "\u00a0\u00a0" * depth + unit.name))
    return choices


def _parent_choices(form: UnitForm, units: list[Unit], exclude: set[int]) -> None:
    """Offer open units (not `exclude`) as parents."""
    form.parent_id.choices = _open_unit_choices(units, exclude, first="— Không (cấp cao nhất) —")


def _successor_choices(form: CloseUnitForm, unit: Unit, units: list[Unit]) -> None:
    """Offer the open units but this one as successors, and as where its logins and shares go."""
    exclude = {unit.id}
    form.successors.choices = _open_unit_choices(units, exclude)
    form.logins_to.choices = _open_unit_choices(units, exclude, first="— Khóa tài khoản —")
    form.shares_to.choices = _open_unit_choices(units, exclude, first="— Giữ nguyên ở đơn vị này —")


def _check_unit(form: UnitForm, unit: Unit | None, units: list[Unit]) -> bool:
    """Check what the field validators cannot: parent in the tree, no cycle, unique names."""
    by_id = {u.id: u for u in units}
    try:
        parent_id = form.parent_value()
    except ValueError:
        parent_id = -1
    if parent_id is not None:
        parent = by_id.get(parent_id)
        if parent is None:
            form.parent_id.errors.append("Đơn vị cấp trên không tồn tại.")
        elif unit is not None and (parent.id == unit.id or parent.id in descendant_ids(unit, units)):
            form.parent_id.errors.append("Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó.")
        elif parent.closed_on is not None and (unit is None or unit.parent_id != parent.id):
            form.parent_id.errors.append("Đơn vị cấp trên đã ngừng hoạt động.")
    open_unit = unit is None or unit.closed_on is None
    except_id = unit.id if unit else None
    if open_unit and name_taken(form.name.data, except_id=except_id):
        form.name.errors.append("Đã có một đơn vị đang hoạt động mang tên này.")
    if open_unit and name_taken(form.short_name.data, column="short_name", except_id=except_id):
        form.short_name.errors.append("Đã có một đơn vị đang hoạt động mang tên ngắn này.")
    return not (form.parent_id.errors or form.name.errors or form.short_name.errors)


def _units_page(form: UnitForm, units: list[Unit], message: str | None = None):
    _parent_choices(form, units, exclude=set())
    return render_page("admin/units.html", "units", form=form, tree=tree_order(units),
                       counts=login_counts(), message=message)


@bp.get("/units")
@access(Access.ADMIN)
def units():
    """Return the organisation tree and the form to add a unit."""
    return _units_page(UnitForm(formdata=None), all_units())


@bp.post("/units")
@access(Access.ADMIN)
def add_unit():
    """Add a unit; return the tree (fragment with htmx, redirect without), or the form with errors."""
    units = all_units()
    form = UnitForm()
    _parent_choices(form, units, exclude=set())
    valid = form.validate_on_submit()
    if _check_unit(form, None, units) and valid:
        position = db.session.scalar(db.select(func.coalesce(func.max(Unit.position), 0))) + 1
        unit = Unit(name=form.name.data, short_name=form.short_name.data, code=form.code.data,
                    place=form.place.data, kind=UnitKind(form.kind.data), parent_id=form.parent_value(),
                    position=position)
        db.session.add(unit)
        db.session.flush()
        record_change(current_user, "unit_create", "unit", unit.id, before=None, after=_unit_values(unit))
        db.session.commit()
        message = f"Đã thêm đơn vị {unit.name}."
        return after_write(url_for("admin.units"), message,
                           lambda: _units_page(UnitForm(formdata=None), all_units(), message))
    return _units_page(form, units)


def _unit_page(unit: Unit, form: EditUnitForm | None = None, close_form: CloseUnitForm | None = None,
               message: str | None = None, reopen_error: str | None = None):
    units = all_units()
    today = clock.today()
    if form is None:
        form = EditUnitForm(formdata=None, name=unit.name, short_name=unit.short_name, code=unit.code,
                            place=unit.place, kind=unit.kind.value, parent_id=str(unit.parent_id or ""),
                            valid_from=today)
    exclude = {unit.id} | descendant_ids(unit, units)
    _parent_choices(form, units, exclude)
    if unit.parent_id and unit.parent_id not in exclude and unit.parent and unit.parent.closed_on:
        # A closed parent stays selectable for the unit already under it, so saving keeps it.
        form.parent_id.choices.append(SelectChoice(str(unit.parent_id), unit.parent.name))
    if close_form is None:
        close_form = CloseUnitForm(formdata=None, closed_on=today)
    _successor_choices(close_form, unit, units)
    by_id = {u.id: u for u in units}
    predecessors = db.session.scalars(db.select(UnitSuccession).where(UnitSuccession.successor_id == unit.id)
                                      .order_by(UnitSuccession.on)).all()
    return render_page("admin/unit.html", "unit", unit=unit, form=form, close_form=close_form,
                       message=message, reopen_error=reopen_error,
                       logins=sorted(unit.users, key=lambda u: u.username),
                       periods=periods_of(unit.id), period_start=period_start(unit), units_by_id=by_id,
                       successors=successors_of(unit.id),
                       predecessors=[(by_id[link.predecessor_id], link.on) for link in predecessors],
                       duties=succession.duties_of(unit, today.year),
                       last_plan=succession.last_plan_naming(unit))


def _after_unit_change(unit: Unit, message: str):
    return after_write(url_for("admin.units"), message, lambda: _unit_page(unit, message=message))


@bp.get("/units/<id:unit_id>")
@access(Access.ADMIN)
def unit(unit_id: int):
    """Return one unit's page: rename or move it, close or reopen it, its logins."""
    return _unit_page(get_unit(unit_id))


@bp.post("/units/<id:unit_id>/edit")
@access(Access.ADMIN)
def edit_unit(unit_id: int):
    """Rename a unit or change its kind or parent from a date, keeping the earlier period for the
    plans and reports of its time; or correct a typo in the present period. Plans point at the id."""
    unit = get_unit(unit_id)
    form = EditUnitForm()
    units = all_units()
    _parent_choices(form, units, exclude=set())
    valid = form.validate_on_submit()
    checked = [_check_unit(form, unit, units), _check_valid_from(form, unit)]  # both, for every message
    valid_from = None if form.correction.data else form.valid_from.data
    if all(checked) and valid:
        before = _unit_values(unit)
        values = {"name": form.name.data, "short_name": form.short_name.data, "code": form.code.data,
                  "place": form.place.data, "kind": UnitKind(form.kind.data), "parent_id": form.parent_value()}
        if values == unit.values_now():
            return _after_unit_change(unit, "Không có gì thay đổi.")
        change_unit(unit, values, valid_from)
        after = _unit_values(unit)
        record_change(current_user, "unit_edit", "unit", unit.id, before=before, after=after,
                      valid_from=valid_from or "correction")
        db.session.commit()
        since = f" từ {format_date(valid_from)}" if valid_from and valid_from < clock.today() else ""
        return _after_unit_change(unit, f"Đã lưu đơn vị {unit.name}{since}.")
    return _unit_page(unit, form=form)


def _check_valid_from(form: EditUnitForm, unit: Unit) -> bool:
    """A change starts on a day between the present period's start and today; a typo needs none."""
    field = form.valid_from
    if form.correction.data or field.errors:
        return not field.errors
    start = period_start(unit)
    if field.data is None:
        field.data = clock.today()  # left empty: the change starts today, as the form proposed
    if field.data > clock.today():
        field.errors.append("Ngày có hiệu lực không được sau hôm nay.")
    elif field.data < start:
        field.errors.append(f"Tên hiện tại có hiệu lực từ {format_date(start)}: chọn ngày đó hoặc sau đó, "
                            "hoặc đánh dấu “chỉ sửa lỗi gõ”.")
    return not field.errors


def _check_close(form: CloseUnitForm, unit: Unit, units: list[Unit]) -> tuple[list[Unit], Unit | None, Unit | None]:
    """Check a closing against the tree and the plans; return successors, where logins and
    shares go. Errors are put beside their fields."""
    field = form.closed_on
    open_by_id = {u.id: u for u in units if u.closed_on is None and u.id != unit.id}
    ids = form.unit_ids(form.successors)
    if ids is None or any(i not in open_by_id for i in ids):
        form.successors.errors.append("Đơn vị kế thừa phải là đơn vị đang hoạt động, khác đơn vị này.")
        ids = []
    successors = [open_by_id[i] for i in dict.fromkeys(ids)]
    targets = []
    for choice in (form.logins_to, form.shares_to):
        chosen = form.unit_ids(choice)
        if chosen is None or (chosen and chosen[0] not in {s.id for s in successors}):
            choice.errors.append("Hãy chọn một trong các đơn vị kế thừa đã chọn ở trên.")
        targets.append(open_by_id.get(chosen[0]) if chosen else None)
    if field.data is None:
        return successors, *targets
    open_children = sum(1 for u in units if u.parent_id == unit.id and u.closed_on is None)
    plan = succession.last_plan_naming(unit)
    if unit.closed_on is not None:
        field.errors.append(f"Đơn vị đã ngừng hoạt động từ {format_date(unit.closed_on)}.")
    elif field.data > clock.today():
        field.errors.append("Ngày ngừng hoạt động không được sau hôm nay.")
    elif plan is not None and field.data < plan.issued_on:
        field.errors.append(f"{plan.code or 'Kế hoạch năm ' + str(plan.year)} ban hành ngày "
                            f"{format_date(plan.issued_on)} giao việc cho đơn vị này: ngày ngừng hoạt động "
                            "không được trước ngày đó.")
    elif open_children:
        field.errors.append(f"Còn {open_children} đơn vị trực thuộc đang hoạt động: "
                            "hãy chuyển hoặc cho ngừng hoạt động trước.")
    elif unit.id == current_user.unit_id:
        field.errors.append("Tài khoản của bạn thuộc đơn vị này; không thể tự khóa mình.")
    return successors, *targets


@bp.post("/units/<id:unit_id>/close")
@access(Access.ADMIN)
def close_unit(unit_id: int):
    """Close a unit from a date, with its successors (a merge or a split): its history stays; its
    logins move to a successor or are locked, and are logged out now; its live shares may move."""
    unit = get_unit(unit_id)
    form = CloseUnitForm()
    units = all_units()
    valid = form.validate_on_submit()
    successors, logins_to, shares_to = _check_close(form, unit, units)
    if valid and not (form.closed_on.errors or form.successors.errors or form.logins_to.errors
                      or form.shares_to.errors):
        detail = succession.close(unit, form.closed_on.data, successors, logins_to, shares_to)
        record_change(current_user, "unit_close", "unit", unit.id, before={"closed_on": None},
                      after={"closed_on": unit.closed_on}, **detail)
        db.session.commit()
        message = f"Đơn vị {unit.name} ngừng hoạt động từ {format_date(unit.closed_on)}"
        if successors:
            message += "; kế thừa: " + ", ".join(s.name for s in successors)
        if logins_to is not None:
            message += f"; đã chuyển {len(detail['moved_logins']['usernames'])} tài khoản sang {logins_to.name}"
        else:
            message += f"; đã khóa {len(detail['disabled_logins'])} tài khoản"
        if shares_to is not None:
            message += f"; đã chuyển {len(detail['moved_shares']['shares'])} phần chỉ tiêu sang {shares_to.name}"
        return _after_unit_change(unit, message + ".")
    return _unit_page(unit, close_form=form)


@bp.post("/units/<id:unit_id>/reopen")
@access(Access.ADMIN)
def reopen_unit(unit_id: int):
    """Reopen a closed unit (its successor links go); its logins stay disabled until enabled one by one."""
    unit = get_unit(unit_id)
    error = None
    if unit.closed_on is None:
        error = "Đơn vị đang hoạt động."
    elif unit.parent is not None and unit.parent.closed_on is not None:
        error = f"Đơn vị cấp trên {unit.parent.name} đã ngừng hoạt động: hãy mở lại đơn vị đó trước."
    elif name_taken(unit.name, except_id=unit.id) or name_taken(
        unit.short_name, column="short_name", except_id=unit.id
    ):
        error = "Một đơn vị đang hoạt động đã mang tên này: hãy đổi tên một trong hai trước."
    if error is None:
        before = {"closed_on": unit.closed_on}
        if successors := succession.forget_successors(unit):
            before["successors"] = successors
        unit.closed_on = None
        record_change(current_user, "unit_reopen", "unit", unit.id, before=before, after={"closed_on": None})
        db.session.commit()
        return _after_unit_change(unit, f"Đã mở lại đơn vị {unit.name}. Các tài khoản của đơn vị "
                                        "vẫn bị khóa cho đến khi được mở từng tài khoản.")
    return _unit_page(unit, reopen_error=error)
