"""The user forms: an invitation (e-mail and the rest), and the change of a user."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.models import Department, Role, User
from app.web.forms import Form, known_time_zone
from app.web.locale import local_name
from app.web.words import ROLE

LANGUAGE_LABELS = {"en": _l("English"), "zh_CN": _l("Simplified Chinese")}
STATUS_LABELS = {
    "active": _l("Active"),
    "invited": _l("Invited, no password yet"),
    "deactivated": _l("Deactivated"),
}


def _trimmed(text: str | None) -> str | None:
    return text.strip() if text else text


class UserForm(Form):
    """What an admin changes of a user; the e-mail is the sign-in name and stays."""

    name = StringField(
        _l("Full name"), filters=[_trimmed], validators=[DataRequired(), Length(max=120)]
    )
    role = SelectField(
        _l("Role"),
        default=Role.STAFF,
        choices=[SelectChoice(k, v) for k, v in ROLE.items()],
    )
    department_id = SelectField(_l("Department (required for staff)"), coerce=int)
    heads_department = BooleanField(_l("Heads the department (receives its escalations)"))
    locale = SelectField(
        _l("Language"), choices=[SelectChoice(k, v) for k, v in LANGUAGE_LABELS.items()]
    )
    timezone = StringField(
        _l("Time zone (IANA, e.g. Asia/Shanghai; empty: the bank's)"),
        filters=[_trimmed],
        validators=[Optional(), Length(max=64), known_time_zone],
    )

    def offer(self, departments: list[Department]) -> None:
        """The departments to pick from; 0 means none."""
        self.department_id.choices = [
            SelectChoice(0, "–"),
            *(SelectChoice(d.id, local_name(d)) for d in departments),
        ]

    def load(self, user: User) -> None:
        """Show a stored user: the form's 0 for no department."""
        self.department_id.data = user.department_id or 0

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "role": self.role.data,
            "department_id": self.department_id.data or None,
            "heads_department": self.heads_department.data,
            "locale": self.locale.data,
            "timezone": self.timezone.data or None,
        }


class InviteForm(UserForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
