"""Forms of the mô hình blueprint: progress, corrections, allocations, houses, roads, own initiatives."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from danvan.forms import (
    ChoiceField,
    DateField,
    REQUIRED,
    AmountField,
    FlaskForm,
    LongTextField,
    TextField,
    optional_text,
    required,
)
from danvan.orm import Field, Measure, Target, Unit, WorkStatus

MONEY_MAX = 10**13
COUNT_MAX = 10**7
# A charity house costs tens of millions of đồng; above 10 tỷ is a typing slip.
HOUSE_MONEY_MAX = 10**10
ROAD_LENGTH_MAX = 100_000

HOUSE_STATUS_LABELS = {
    WorkStatus.PLANNED: "Chuẩn bị xây dựng",
    WorkStatus.BUILDING: "Đang xây dựng",
    WorkStatus.DONE: "Đã bàn giao",
}
ROAD_STATUS_LABELS = {
    WorkStatus.PLANNED: "Chuẩn bị thực hiện",
    WorkStatus.BUILDING: "Đang thực hiện",
    WorkStatus.DONE: "Đã ra mắt",
}


def _progress_form(money: bool, max_value: int) -> type[FlaskForm]:
    class ProgressForm(FlaskForm):
        recorded_on = DateField("Ngày", [InputRequired(REQUIRED)])
        amount = AmountField("Kết quả đạt được", [InputRequired(REQUIRED)], money=money, max_value=max_value)
        note = TextField("Ghi chú", optional_text(300))
        # Asked only when the date falls after the cut-off of a report the unit still owes.
        after_cutoff = BooleanField("Vẫn ghi nhận: kết quả tính vào kỳ báo cáo sau")

    return ProgressForm


MoneyProgressForm = _progress_form(True, MONEY_MAX)
CountProgressForm = _progress_form(False, COUNT_MAX)


def progress_form_class(measure: Measure) -> type[FlaskForm]:
    """Return the progress form for a target's measure: money in đồng, or a count."""
    return MoneyProgressForm if measure == Measure.MONEY else CountProgressForm


class MoneyCorrectForm(FlaskForm):
    amount = AmountField("Giá trị đúng", [InputRequired(REQUIRED)], money=True, max_value=MONEY_MAX)
    reason = TextField("Lý do sửa", required(300))


class CountCorrectForm(FlaskForm):
    amount = AmountField("Giá trị đúng", [InputRequired(REQUIRED)], money=False, max_value=COUNT_MAX)
    reason = TextField("Lý do sửa", required(300))


def correct_form_class(measure: Measure) -> type[FlaskForm]:
    return MoneyCorrectForm if measure == Measure.MONEY else CountCorrectForm


def _status_choices(labels: dict[WorkStatus, str]) -> list[SelectChoice]:
    return [SelectChoice(s.value, label) for s, label in labels.items()]


class HouseForm(FlaskForm):
    commune = TextField("Xã, phường, thị trấn", required(120))
    beneficiary = TextField("Gia đình được hỗ trợ", required(200))
    cost = AmountField("Tổng chi phí xây dựng", [Optional()], money=True, max_value=HOUSE_MONEY_MAX)
    funds_mobilised = AmountField("Kinh phí đã vận động", [Optional()], money=True, max_value=HOUSE_MONEY_MAX)
    status = ChoiceField("Tình trạng", choices=_status_choices(HOUSE_STATUS_LABELS),
                         default=WorkStatus.BUILDING.value)
    handed_over_on = DateField("Ngày bàn giao", [Optional()])
    note = LongTextField("Ghi chú", optional_text(1000))
    version = HiddenField()


class RoadForm(FlaskForm):
    name = TextField("Tên tuyến đường", required(200))
    commune = TextField("Xã, phường, thị trấn", required(120))
    length_m = AmountField("Chiều dài (mét)", [Optional()], money=False, max_value=ROAD_LENGTH_MAX)
    status = ChoiceField("Tình trạng", choices=_status_choices(ROAD_STATUS_LABELS),
                         default=WorkStatus.BUILDING.value)
    completed_on = DateField("Ngày ra mắt", [Optional()])
    note = LongTextField("Ghi chú", optional_text(1000))
    version = HiddenField()


OWN_MEASURES = [Measure.CHILD, Measure.HOUSE, Measure.ROAD, Measure.OFFICE, Measure.MONEY]


class OwnInitiativeForm(FlaskForm):
    field = ChoiceField("Lĩnh vực", choices=[SelectChoice(f.value, f.label.capitalize()) for f in Field])
    title = TextField("Tên mô hình", required(300))
    description = LongTextField("Mô tả", optional_text(2000))
    measure = ChoiceField("Đơn vị tính của chỉ tiêu", choices=[SelectChoice(m.value, m.label) for m in OWN_MEASURES])
    amount = AmountField("Chỉ tiêu", [InputRequired(REQUIRED)], money=True, max_value=MONEY_MAX)
    label = TextField("Nội dung chỉ tiêu", required(120))
    funds = AmountField("Kinh phí dự kiến (nếu có)", [Optional()], money=True, max_value=MONEY_MAX)
    # Nhân rộng: the recognised mô hình (Recognition id) this one is adopted from, if any.
    replicates = HiddenField()


def allocation_form(targets: list[Target], units: list[Unit], shares: dict[tuple[int, int], int],
                    formdata=None) -> FlaskForm:
    """Build the allocation form: one amount per (target, unit), named a_<target>_<unit>.

    Its fields depend on the mô hình's targets and the candidate units, so the class is made here.
    """

    class AllocationForm(FlaskForm):
        pass

    for target in targets:
        for unit in units:
            setattr(AllocationForm, f"a_{target.id}_{unit.id}", AmountField(
                unit.short_name, money=target.measure == Measure.MONEY, max_value=MONEY_MAX))
    form = AllocationForm(formdata=formdata)
    if formdata is None:
        for (target_id, unit_id), amount in shares.items():
            f = getattr(form, f"a_{target_id}_{unit_id}", None)
            if f is not None:
                f.data = amount
    return form
