"""The organisation tree: add a unit, rename or move it, close or reopen it. Administrators only.

Every view carries @access(Access.ADMIN). There is no remember-me cookie in this app, so every
session is a fresh login (TRUST.md R14 holds without a re-authentication prompt).
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, update
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from danvan import clock
from danvan.access import Access, access
from danvan.admin import bp
from danvan.admin.forms import NO_PARENT, CloseUnitForm, UnitForm
from danvan.admin.queries import all_units, descendant_ids, login_counts, name_taken, tree_order
from danvan.extensions import db
from danvan.formatting import format_date
from danvan.orm import LoginSession, Unit, UnitKind, record_change
from danvan.web import after_write, render_page


def get_unit(unit_id: int) -> Unit:
    """Return any unit, open or closed, with its logins, or 404; the view is admin-only."""
    return db.first_or_404(db.select(Unit).where(Unit.id == unit_id).options(selectinload(Unit.users)))



def _unit_values(unit: Unit) -> dict:
    return {"name": unit.name, "short_name": unit.short_name, "code": unit.code, "place": unit.place,
            "kind": unit.kind.value,
            "parent_id": unit.parent_id, "closed_on": unit.closed_on}


def _parent_choices(form: UnitForm, units: list[Unit], exclude: set[int]) -> None:
    """Offer open units (not `exclude`) as parents, indented to show the tree."""
    choices = [SelectChoice(NO_PARENT, "— Không (cấp cao nhất) —")]
    for unit, depth in tree_order([u for u in units if u.closed_on is None]):
        if unit.id not in exclude:
            choices.append(SelectChoice(str(unit.id), "\u00a0\u00a0" * depth + unit.name))
    form.parent_id.choices = choices


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


def _unit_page(unit: Unit, form: UnitForm | None = None, close_form: CloseUnitForm | None = None,
               message: str | None = None, reopen_error: str | None = None):
    units = all_units()
    if form is None:
        form = UnitForm(formdata=None, name=unit.name, short_name=unit.short_name, code=unit.code,
                        place=unit.place, kind=unit.kind.value, parent_id=str(unit.parent_id or ""))
    exclude = {unit.id} | descendant_ids(unit, units)
    _parent_choices(form, units, exclude)
    if unit.parent_id and unit.parent_id not in exclude and unit.parent and unit.parent.closed_on:
        # A closed parent stays selectable for the unit already under it, so saving keeps it.
        form.parent_id.choices.append(SelectChoice(str(unit.parent_id), unit.parent.name))
    if close_form is None:
        close_form = CloseUnitForm(formdata=None, closed_on=clock.today())
    return render_page("admin/unit.html", "unit", unit=unit, form=form, close_form=close_form,
                       message=message, reopen_error=reopen_error,
                       logins=sorted(unit.users, key=lambda u: u.username))


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
    """Rename a unit or change its kind or parent; plans keep pointing at it by id."""
    unit = get_unit(unit_id)
    form = UnitForm()
    units = all_units()
    _parent_choices(form, units, exclude=set())
    valid = form.validate_on_submit()
    if _check_unit(form, unit, units) and valid:
        before = _unit_values(unit)
        unit.name = form.name.data
        unit.short_name = form.short_name.data
        unit.code = form.code.data
        unit.place = form.place.data
        unit.kind = UnitKind(form.kind.data)
        unit.parent_id = form.parent_value()
        after = _unit_values(unit)
        if before == after:
            return _after_unit_change(unit, "Không có gì thay đổi.")
        record_change(current_user, "unit_edit", "unit", unit.id, before=before, after=after)
        db.session.commit()
        return _after_unit_change(unit, f"Đã lưu đơn vị {unit.name}.")
    return _unit_page(unit, form=form)


@bp.post("/units/<id:unit_id>/close")
@access(Access.ADMIN)
def close_unit(unit_id: int):
    """Close a unit from a date: its history stays, its logins are disabled and logged out now."""
    unit = get_unit(unit_id)
    form = CloseUnitForm()
    if form.validate_on_submit():
        field = form.closed_on
        open_children = db.session.scalar(
            db.select(func.count()).where(Unit.parent_id == unit.id, Unit.closed_on.is_(None))
        )
        if unit.closed_on is not None:
            field.errors.append(f"Đơn vị đã ngừng hoạt động từ {format_date(unit.closed_on)}.")
        elif field.data > clock.today():
            field.errors.append("Ngày ngừng hoạt động không được sau hôm nay.")
        elif open_children:
            field.errors.append(f"Còn {open_children} đơn vị trực thuộc đang hoạt động: "
                                "hãy chuyển hoặc cho ngừng hoạt động trước.")
        elif unit.id == current_user.unit_id:
            field.errors.append("Tài khoản của bạn thuộc đơn vị này; không thể tự khóa mình.")
        else:
            disabled = [u for u in unit.users if u.active]
            unit.closed_on = field.data
            for user in disabled:
                user.active = False
            db.session.execute(
                update(LoginSession)
                .where(LoginSession.user_id.in_([u.id for u in unit.users]), LoginSession.ended_at.is_(None))
                .values(ended_at=clock.real_utcnow())
            )
            record_change(current_user, "unit_close", "unit", unit.id, before={"closed_on": None},
                          after={"closed_on": unit.closed_on},
                          disabled_logins=[u.username for u in disabled])
            db.session.commit()
            return _after_unit_change(unit, f"Đơn vị {unit.name} ngừng hoạt động từ "
                                            f"{format_date(unit.closed_on)}; đã khóa {len(disabled)} tài khoản.")
    return _unit_page(unit, close_form=form)


@bp.post("/units/<id:unit_id>/reopen")
@access(Access.ADMIN)
def reopen_unit(unit_id: int):
    """Reopen a closed unit; its logins stay disabled until enabled one by one."""
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
        unit.closed_on = None
        record_change(current_user, "unit_reopen", "unit", unit.id, before=before, after={"closed_on": None})
        db.session.commit()
        return _after_unit_change(unit, f"Đã mở lại đơn vị {unit.name}. Các tài khoản của đơn vị "
                                        "vẫn bị khóa cho đến khi được mở từng tài khoản.")
    return _unit_page(unit, reopen_error=error)
