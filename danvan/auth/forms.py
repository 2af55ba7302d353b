"""Forms of the auth blueprint."""

from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from danvan.forms import REQUIRED, FlaskForm, TextField, required


class LoginForm(FlaskForm):
    username = TextField("Tên đăng nhập", validators=required(64))
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=1024, message="Mật khẩu quá dài.")]
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED), Length(max=1024)])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired(REQUIRED), Length(max=1024)])
