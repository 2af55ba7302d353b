"""Forms of the admin blueprint. Choices of units are filled in by the views."""

from __future__ import annotations

from datetime import date, datetime

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from danvan.forms import REQUIRED, ChoiceField, FlaskForm, TextField, required
from danvan.orm import UnitKind

KIND_CHOICES = [SelectChoice("", "— Chọn loại đơn vị —")] + [
    SelectChoice(kind.value, kind.label) for kind in UnitKind
]
NO_PARENT = ""


class UnitForm(FlaskForm):
    name = TextField("Tên đầy đủ", validators=required(200))
    short_name = TextField("Tên ngắn", validators=required(80))
    kind = ChoiceField("Loại đơn vị", choices=KIND_CHOICES, blank_message="Vui lòng chọn loại đơn vị.")
    # Validated by the view against the tree (open units, no cycles); a bad value gets a message.
    parent_id = SelectField("Trực thuộc", choices=[], validate_choice=False)

    def parent_value(self) -> int | None:
        """Return the chosen parent id, None for a top-level unit; raise ValueError if unreadable."""
        raw = (self.parent_id.data or "").strip()
        return int(raw) if raw else None


class DateInput(StringField):
    """A date typed as 22/06/2021 or sent by a date picker as 2021-06-22."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw = raw
        self.data = None
        if not raw:
            return
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.data = datetime.strptime(raw, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError("Ngày không hợp lệ. Nhập như 22/06/2021.")

    def _value(self):
        if getattr(self, "raw", ""):
            return self.raw
        return self.data.isoformat() if isinstance(self.data, date) else ""


class CloseUnitForm(FlaskForm):
    closed_on = DateInput("Ngày ngừng hoạt động", validators=[InputRequired(REQUIRED)])


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
