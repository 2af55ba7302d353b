"""Forms of the admin blueprint. Choices of units are filled in by the views."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from danvan.forms import REQUIRED, ChoiceField, DateField, FlaskForm, TextField, optional_text, required
from danvan.orm import UnitKind

KIND_CHOICES = [SelectChoice("", "— Chọn loại đơn vị —")] + [
    SelectChoice(kind.value, kind.label) for kind in UnitKind
]
NO_PARENT = ""


class UnitForm(FlaskForm):
    name = TextField("Tên đầy đủ", validators=required(200))
    short_name = TextField("Tên ngắn", validators=required(80))
    code = TextField("Ký hiệu văn bản", validators=optional_text(40))
    place = TextField("Địa danh", validators=optional_text(80))
    kind = ChoiceField("Loại đơn vị", choices=KIND_CHOICES, blank_message="Vui lòng chọn loại đơn vị.")
    # Validated by the view against the tree (open units, no cycles); a bad value gets a message.
    parent_id = SelectField("Trực thuộc", choices=[], validate_choice=False)

    def parent_value(self) -> int | None:
        """Return the chosen parent id, None for a top-level unit; raise ValueError if unreadable."""
        raw = (self.parent_id.data or "").strip()
        return int(raw) if raw else None


class EditUnitForm(UnitForm):
    """A change starts a new period from `valid_from`; a correction rewrites the present one."""

    valid_from = DateField("Có hiệu lực từ ngày")
    correction = BooleanField("Chỉ sửa lỗi gõ (áp dụng cho mọi thời điểm, kể cả văn bản cũ)")


KEEP = ""


class CloseUnitForm(FlaskForm):
    closed_on = DateField("Ngày ngừng hoạt động", validators=[InputRequired(REQUIRED)])
    # Choices are the open units, filled in and checked by the view.
    successors = SelectMultipleField("Đơn vị kế thừa (sáp nhập, chia tách)", choices=[], validate_choice=False)
    logins_to = SelectField("Tài khoản của đơn vị", choices=[], validate_choice=False)
    shares_to = SelectField("Phần chỉ tiêu của kế hoạch đang thực hiện", choices=[], validate_choice=False)

    def unit_ids(self, field) -> list[int] | None:
        """Return the ids chosen in `field`, or None when one is unreadable."""
        raw = field.data if isinstance(field.data, list) else [field.data or ""]
        try:
            return [int(value) for value in raw if value != KEEP]
        except ValueError:
            return None


class UserForm(FlaskForm):
    username = TextField("Tên đăng nhập", validators=required(64) + [
        Regexp(r"^[^\s@/\\]+$", message="Tên đăng nhập không được có dấu cách, @, / hoặc \\."),
    ])
    full_name = TextField("Họ và tên", validators=[Length(max=120, message="Tối đa 120 ký tự.")])
    unit_id = SelectField("Đơn vị", choices=[], validate_choice=False)
    is_admin = BooleanField("Quản trị viên (quản lý đơn vị và tài khoản)")


class AccountForm(FlaskForm):
    full_name = TextField("Họ và tên", validators=[Length(max=120, message="Tối đa 120 ký tự.")])
    unit_id = SelectField("Đơn vị", choices=[], validate_choice=False)
    is_admin = BooleanField("Quản trị viên (quản lý đơn vị và tài khoản)")
