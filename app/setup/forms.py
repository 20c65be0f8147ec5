"""The first-run form: the bank, its first admin, and the code from the server's console."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.admin.bank.forms import BankFields
from app.services.accounts.users import MIN_PASSWORD_LENGTH


class SetupForm(BankFields):
    code = StringField(
        _l("Setup code (printed on the server's console)"),
        validators=[InputRequired(), Length(max=20)],
    )
    admin_name = StringField(_l("Your name"), validators=[Length(max=120)])
    admin_email = EmailField(
        _l("Your e-mail (you sign in with it)"),
        validators=[InputRequired(), Email(), Length(max=254)],
    )
    admin_language = RadioField(
        _l("Your language"),
        choices=[SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")],
        default="zh_CN",
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("At least %(min)d characters, please.")),
            Length(max=200),
        ],
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
