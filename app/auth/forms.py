"""The staff sign-in and password reset forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.services.accounts.users import MIN_PASSWORD_LENGTH
from app.web.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(Form):
    min_length = MIN_PASSWORD_LENGTH  # the rule accounts.set_password enforces, shown up front
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(),
            Length(min=min_length, message=_l("At least %(min)d characters, please.")),
            Length(max=200),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
