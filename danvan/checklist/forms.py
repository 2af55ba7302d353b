"""Forms of the checklist: items, moves, task completion, comments (a tick reads its one field plainly)."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import AnyOf, Optional

from danvan.forms import (
    DateField,
    FlaskForm,
    LongTextField,
    TextField,
    ValidationError,
    optional_text,
    required,
)


class ItemForm(FlaskForm):
    """Add or edit a checklist item: its text, an optional due date and responsible person."""

    text = TextField("Việc cần làm", validators=required(300))
    due_on = DateField("Hạn hoàn thành", validators=[Optional()])
    responsible = TextField("Người phụ trách", validators=optional_text(120))


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class DoneForm(FlaskForm):
    """Mark a task done with a note, or reopen it."""

    action = HiddenField(validators=[AnyOf(["done", "reopen"])])
    note = LongTextField("Ghi chú hoàn thành", validators=optional_text(1000))

    def validate_note(self, field):
        if self.action.data == "done" and not field.data:
            raise ValidationError("Vui lòng ghi chú kết quả khi đánh dấu hoàn thành.")


class CommentForm(FlaskForm):
    text = LongTextField("Ý kiến", validators=required(1000))
