"""Forms of thi đua: a unit's registrations, opening a review, a scorecard, awards, the proposal."""

from __future__ import annotations

import re

from wtforms import BooleanField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from danvan.forms import (
    REQUIRED,
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
from danvan.orm import Award, CommendationKind, Initiative, PeriodKind, ReviewCriterion

# The criteria a new review starts with (the board may change every one): name, weight, guidance.
DEFAULT_CRITERIA = (
    ("Kết quả so với chỉ tiêu", 30, "Tỷ lệ hoàn thành phần chỉ tiêu được giao hoặc đăng ký."),
    ("Số người được thụ hưởng, tham gia", 20, "Số hộ, số em, số đoàn viên, thanh niên được hỗ trợ hoặc tham gia."),
    ("Kinh phí, ngày công vận động", 20, "Huy động từ xã hội, không tính ngân sách."),
    ("Khả năng nhân rộng", 20, "Cách làm đơn giản, đơn vị khác làm theo được."),
    ("Minh chứng", 10, "Hình ảnh, biên bản bàn giao, phản ánh của người dân."),
)
CRITERIA_ROWS = 6
WEIGHT_MAX = 100


def registration_form(candidates: list[Initiative], formdata=None) -> FlaskForm:
    """One row per mô hình the unit may register: a tick, the responsible person and position.

    Its fields depend on the unit's mô hình, so the class is made here (as the allocation form is).
    """

    class RegistrationForm(FlaskForm):
        pass

    for initiative in candidates:
        setattr(RegistrationForm, f"on_{initiative.id}", BooleanField("Đăng ký thực hiện"))
        setattr(RegistrationForm, f"name_{initiative.id}", TextField("Người phụ trách", optional_text(120)))
        setattr(RegistrationForm, f"position_{initiative.id}", TextField("Chức vụ", optional_text(120)))
    return RegistrationForm(formdata=formdata)


class _ReviewHeader(FlaskForm):
    title = TextField("Tên đợt đánh giá", required(200))
    kind = ChoiceField("Loại", choices=[SelectChoice(k.value, k.label) for k in
                                        (PeriodKind.ANNUAL, PeriodKind.HALF_YEAR)])
    scores_due_on = DateField("Hạn chấm điểm", [InputRequired("Vui lòng nhập ngày.")])
    evaluator_units = CheckboxesField("Ban chấm điểm", coerce=int, validators=[Optional()])
    evaluator_users = CheckboxesField("Người chấm điểm (đích danh)", coerce=int, validators=[Optional()])


def _with_criteria() -> type[FlaskForm]:
    """The open-review form: its header and CRITERIA_ROWS rows of criteria (c0_name, c0_weight…)."""

    class OpenReviewForm(_ReviewHeader):
        def criteria(self) -> list[tuple]:
            return [(getattr(self, f"c{n}_name"), getattr(self, f"c{n}_weight"), getattr(self, f"c{n}_guidance"))
                    for n in range(CRITERIA_ROWS)]

    for n in range(CRITERIA_ROWS):
        setattr(OpenReviewForm, f"c{n}_name", TextField("Tiêu chí", optional_text(200)))
        setattr(OpenReviewForm, f"c{n}_weight", AmountField("Điểm tối đa", [Optional()], money=False,
                                                               max_value=WEIGHT_MAX))
        setattr(OpenReviewForm, f"c{n}_guidance", TextField("Hướng dẫn chấm", optional_text(300)))
    return OpenReviewForm


OpenReviewForm = _with_criteria()


def scorecard_form(criteria: list[ReviewCriterion], formdata=None) -> FlaskForm:
    """Points per criterion (0 to its weight) and a comment; the version guards a second login."""

    class ScorecardForm(FlaskForm):
        comment = LongTextField("Nhận xét", optional_text(2000))
        version = HiddenField()

    for criterion in criteria:
        setattr(ScorecardForm, f"p_{criterion.id}", AmountField(
            f"{criterion.name} (tối đa {criterion.weight} điểm)", [InputRequired(REQUIRED)], money=False,
            max_value=criterion.weight))
    return ScorecardForm(formdata=formdata)


class RecognitionForm(FlaskForm):
    registrations = CheckboxesField("Mô hình tiêu biểu", coerce=int, validators=[Optional()])
    version = HiddenField()


class CommendationForm(FlaskForm):
    kind = ChoiceField("Đề nghị khen cho", choices=[SelectChoice(CommendationKind.COLLECTIVE.value, "Tập thể"),
                                                     SelectChoice(CommendationKind.INDIVIDUAL.value, "Cá nhân")])
    award = ChoiceField("Hình thức", choices=[SelectChoice(a.value, a.label) for a in Award])
    unit_id = ChoiceField("Đơn vị", coerce=str)
    person_name = TextField("Họ và tên (cá nhân)", optional_text(120))
    person_position = TextField("Chức vụ (cá nhân)", optional_text(160))
    achievement = LongTextField("Thành tích", required(1000))
    version = HiddenField()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.kind.data == CommendationKind.INDIVIDUAL.value:
            for f in (self.person_name, self.person_position):
                if not f.data:
                    f.errors.append("Vui lòng nhập mục này khi đề nghị khen cá nhân.")
                    ok = False
        return ok


class ProposeForm(FlaskForm):
    number = TextField("Số tờ trình", required(20))
    issued_on = DateField("Ngày ban hành", [InputRequired("Vui lòng nhập ngày.")])
    signer_title = TextField("Chức vụ người ký", required(120), default="TRƯỞNG BAN")
    signer_name = TextField("Người ký", required(120))
    version = HiddenField()

    def validate_number(self, field):
        """Just the number: "52". The kind and the units' codes ("-TTr/TĐTN-TCKT") are added once."""
        if match := re.fullmatch(r"(\d{1,6})(-TTr/.*)?", (field.data or "").strip()):
            field.data = match.group(1)
        else:
            raise ValidationError("Chỉ nhập số của tờ trình, ví dụ 52.")


class DecideForm(FlaskForm):
    action = ChoiceField("Quyết định", choices=[SelectChoice("approve", "Duyệt"), SelectChoice("return", "Trả lại")])
    version = HiddenField()


class StepForm(FlaskForm):
    """A workflow step with nothing to type (close the scoring): just the version it was seen at."""

    version = HiddenField()
