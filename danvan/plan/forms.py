"""Forms of plans: the editor (header, purpose and recipient lines, contents, assignments), quán triệt."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional

from danvan.forms import (
    AmountField,
    DateField,
    FlaskForm,
    LongTextField,
    TextField,
    ValidationError,
    optional_text,
    required,
)
from danvan.orm import Field

CHOICE_MESSAGE = "Vui lòng chọn đơn vị trong danh sách."
EVERY_LOCAL = "all"


class HeaderForm(FlaskForm):
    """The document's header, basis, intro of section III, closing and signature block."""

    code = TextField("Số kế hoạch", validators=required(80))
    title = TextField("Trích yếu (tên kế hoạch)", validators=required(300))
    place = TextField("Địa danh", validators=required(80))
    issued_on = DateField("Ngày ban hành", validators=[Optional()])
    issuer_heading = TextField("Cơ quan ban hành", validators=required(200))
    organisation_heading = TextField("Tên tổ chức (dòng đầu bên phải)", validators=required(200))
    basis = LongTextField("Căn cứ", validators=optional_text(5000))
    initiatives_intro = LongTextField("Lời dẫn phần III (mô hình)", validators=optional_text(5000))
    closing = LongTextField("Đoạn kết", validators=optional_text(5000))
    signer_on_behalf = TextField("Thay mặt (TM.)", validators=optional_text(200))
    signer_title = TextField("Chức vụ người ký", validators=optional_text(200))
    signer_name = TextField("Người ký", validators=optional_text(120))
    archive_note = TextField("Lưu", validators=optional_text(200))


class PurposeForm(FlaskForm):
    text = LongTextField("Nội dung", validators=required(2000))


class RecipientForm(FlaskForm):
    text = TextField("Nơi nhận", validators=required(300))


class ContentsForm(FlaskForm):
    """Section II: one paragraph per field, named by the field's code value."""

    economy = LongTextField(f"Lĩnh vực {Field.ECONOMY.label}", validators=optional_text(5000))
    culture_society = LongTextField(f"Lĩnh vực {Field.CULTURE_SOCIETY.label}", validators=optional_text(5000))
    defence_security = LongTextField(f"Lĩnh vực {Field.DEFENCE_SECURITY.label}", validators=optional_text(5000))
    political_system = LongTextField(f"Lĩnh vực {Field.POLITICAL_SYSTEM.label}", validators=optional_text(5000))


def _to_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class AssignmentForm(FlaskForm):
    """A paragraph of section IV and who it is given to; choices are set by the view."""

    section = TextField("Thuộc mục", validators=required(200))
    short_title = TextField("Tên ngắn (hiện trong danh sách việc)", validators=required(200))
    text = LongTextField("Nội dung giao", validators=required(5000))
    unit = SelectField("Giao cho", validate_choice=False)
    coordinating = SelectMultipleField("Đơn vị phối hợp", coerce=_to_int, validate_choice=False)

    def validate_unit(self, field):
        if field.data not in {value for value, _label in field.choices} or not field.data:
            raise ValidationError(CHOICE_MESSAGE)

    def validate_coordinating(self, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(CHOICE_MESSAGE)


class AcknowledgeForm(FlaskForm):
    """A receiving unit's quán triệt: when, how many were briefed, a note."""

    briefed_on = DateField("Ngày quán triệt", validators=[DataRequired("Vui lòng chọn ngày.")])
    members_briefed = AmountField("Số cán bộ, đoàn viên được quán triệt", max_value=1_000_000)
    note = LongTextField("Ghi chú", validators=optional_text(2000))
