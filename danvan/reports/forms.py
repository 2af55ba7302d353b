"""Forms of the reports blueprint."""

from __future__ import annotations

import re

from wtforms import FieldList, Form, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from danvan.forms import (
    AmountField,
    CheckboxesField,
    ChoiceField,
    DateField,
    FlaskForm,
    LongTextField,
    TextField,
    ValidationError,
    optional_text,
    required,
)
from danvan.orm.report import SECTION_LABELS, SECTIONS, PeriodKind

TEXT_LIMIT = 20000
EXTRA_LINES = 5


class LineForm(Form):
    item = TextField("Nội dung", validators=optional_text(200))
    amount = AmountField("Số lượng", money=False)
    measure = TextField("Đơn vị tính", validators=optional_text(40))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.item.data and self.amount.data is None and not self.amount.errors:
            self.amount.errors.append("Vui lòng nhập số lượng.")
            ok = False
        if not self.item.data and self.amount.data is not None:
            self.item.errors.append("Vui lòng ghi nội dung của số liệu này.")
            ok = False
        return ok


class NarrativeForm(FlaskForm):
    """The narrative sections; the report and the compiled report share them."""

    economy = LongTextField(SECTIONS[0][1], validators=optional_text(TEXT_LIMIT))
    culture_society = LongTextField(SECTIONS[1][1], validators=optional_text(TEXT_LIMIT))
    defence_security = LongTextField(SECTIONS[2][1], validators=optional_text(TEXT_LIMIT))
    political_system = LongTextField(SECTIONS[3][1], validators=optional_text(TEXT_LIMIT))
    good_practices = LongTextField(SECTIONS[4][1], validators=optional_text(TEXT_LIMIT))
    difficulties = LongTextField(SECTIONS[5][1], validators=optional_text(TEXT_LIMIT))
    proposals = LongTextField(SECTIONS[6][1], validators=optional_text(TEXT_LIMIT))

    def narrative(self) -> dict[str, str]:
        return {key: getattr(self, key).data or "" for key, _label in SECTIONS}


class ReportForm(NarrativeForm):
    lines = FieldList(FormField(LineForm), min_entries=EXTRA_LINES, max_entries=EXTRA_LINES)

    def extra_lines(self) -> list[tuple[str, int, str]]:
        return [(e.item.data, e.amount.data, e.measure.data or "") for e in self.lines
                if e.item.data and e.amount.data is not None]


class CompiledForm(NarrativeForm):
    code = TextField("Số báo cáo", validators=optional_text(40))
    issued_on = DateField("Ngày ban hành", validators=[Optional()])

    def validate_code(self, field):
        """Just the number: "415". The kind and the units' codes ("-BC/TĐTN-TCKT") are added once."""
        text = (field.data or "").strip()
        if match := re.fullmatch(r"(\d{1,6})(-BC/.*)?", text):
            field.data = match.group(1)
        elif text:
            raise ValidationError("Chỉ nhập số của báo cáo, ví dụ 415.")


class ReviewForm(FlaskForm):
    section = ChoiceField("Góp ý cho mục", choices=[SelectChoice(v, label) for v, label in
                                            [("", "Chung cho cả báo cáo")] + SECTIONS + [("numbers", "Số liệu")]],
                          optional=True)

    def validate_section(self, field):
        if (field.data or "") not in SECTION_LABELS:
            field.data = ""
    comment = LongTextField("Nội dung góp ý", validators=optional_text(5000))


class PeriodForm(FlaskForm):
    name = TextField("Tên kỳ báo cáo", validators=required(200))
    kind = ChoiceField("Loại", choices=[SelectChoice(k.value, k.label) for k in PeriodKind])
    starts_on = DateField("Số liệu tính từ ngày", validators=[InputRequired("Vui lòng nhập ngày.")])
    cut_off_on = DateField("Thời điểm lấy số liệu", validators=[InputRequired("Vui lòng nhập ngày.")])
    due_on = DateField("Hạn nộp", validators=[InputRequired("Vui lòng nhập ngày.")])
    units = CheckboxesField("Đơn vị phải báo cáo", coerce=int, validators=[Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.cut_off_on.data < self.starts_on.data:
            self.cut_off_on.errors.append("Thời điểm lấy số liệu phải sau ngày bắt đầu.")
            ok = False
        if ok and self.due_on.data < self.cut_off_on.data:
            self.due_on.errors.append("Hạn nộp phải từ thời điểm lấy số liệu trở về sau.")
            ok = False
        if not self.units.data:
            self.units.errors = list(self.units.errors) + ["Chọn ít nhất một đơn vị."]
            ok = False
        return ok
