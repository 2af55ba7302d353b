"""Form pieces every blueprint shares: text cleaned once at the boundary, Vietnamese messages."""

from __future__ import annotations

from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, DateInput, ListWidget
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from danvan.formatting import AmountError, parse_amount
from danvan.text import clean_text

REQUIRED = "Vui lòng nhập mục này."
DATE_MESSAGE = "Ngày không hợp lệ. Nhập như 22/06/2021."
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# A year outside this range is a typing slip (0201 for 2021), never a date of the movement.
DATE_YEARS = range(2000, 2101)


def too_long(limit: int) -> str:
    return f"Tối đa {limit} ký tự."


class TextField(StringField):
    """A one-line text field, canonicalised (NFC, no control or bidi characters) on input."""

    def process_formdata(self, valuelist):
        self.data = clean_text(valuelist[0]) if valuelist else ""


class LongTextField(TextAreaField):
    """A multi-line text field, canonicalised like TextField but keeping line breaks."""

    def process_formdata(self, valuelist):
        self.data = clean_text(valuelist[0], multiline=True) if valuelist else ""


class AmountField(StringField):
    """A count or a sum of đồng as Vietnamese users write it ("3.600.000.000", "3,6 tỷ")."""

    def __init__(self, label=None, validators=None, *, money: bool = False, max_value: int = 10**13, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.money = money
        self.max_value = max_value
        self.raw = ""

    def process_formdata(self, valuelist):
        self.raw = clean_text(valuelist[0]) if valuelist else ""
        self.data = None
        if not self.raw:
            return
        try:
            self.data = parse_amount(self.raw, money=self.money, max_value=self.max_value)
        except AmountError as error:
            self.data = None
            raise ValueError(str(error)) from None

    def _value(self):
        return self.raw if self.raw else ("" if self.data is None else str(self.data))


class DateField(StringField):
    """A date from a date picker (2021-06-22) or typed the Vietnamese way (22/06/2021).

    A bad or implausible date gets a Vietnamese message beside the field; what was typed stays.
    """

    widget = DateInput()

    def process_formdata(self, valuelist):
        self.raw = clean_text(valuelist[0]) if valuelist else ""
        self.data = None
        if not self.raw:
            return
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(self.raw, pattern).date()
            except ValueError:
                continue
            if day.year in DATE_YEARS:
                self.data = day
                return
        raise ValueError(DATE_MESSAGE)

    def _value(self):
        if isinstance(self.data, date):
            return self.data.isoformat()
        return getattr(self, "raw", "")


class ChoiceField(SelectField):
    """A select whose empty (when required) or unknown value gets a Vietnamese message."""

    def __init__(self, label=None, validators=None, *, blank_message: str = REQUIRED,
                 optional: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.blank_message = blank_message
        self.optional = optional

    def pre_validate(self, form):
        if not self.data:
            if self.optional:
                return
            raise StopValidation(self.blank_message)
        if self.data not in {choice.value for choice in self.choices if choice.value}:
            raise StopValidation("Vui lòng chọn một mục trong danh sách.")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; a value not offered gets a Vietnamese message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        offered = {choice.value if hasattr(choice, "value") else choice[0] for choice in self.choices}
        if any(value not in offered for value in self.data or ()):
            raise StopValidation("Vui lòng chọn trong danh sách.")


def required(limit: int):
    """Return the validators of a required text field of at most `limit` characters."""
    return [DataRequired(REQUIRED), Length(max=limit, message=too_long(limit))]


def optional_text(limit: int):
    return [Length(max=limit, message=too_long(limit))]


__all__ = [
    "AmountField",
    "CheckboxesField",
    "ChoiceField",
    "DATE_MESSAGE",
    "DateField",
    "FlaskForm",
    "LongTextField",
    "REQUIRED",
    "TextField",
    "ValidationError",
    "optional_text",
    "required",
]
