"""Departments: a new one (with its code), its head, and where a retired one's work goes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from app.web.forms import Form

NOTIFY_MODES = {
    "immediate": _l("An e-mail for each new case"),
    "digest": _l("One digest a day"),
    "off": _l("No e-mail"),
}


class DepartmentForm(Form):
    """How a department is named, and how its team hears of new cases."""

    name = StringField(_l("Name (English)"), validators=[InputRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[InputRequired(), Length(max=120)])
    notify_mode = SelectField(
        _l("New cases"), choices=[SelectChoice(k, v) for k, v in NOTIFY_MODES.items()]
    )
    notify_email = StringField(
        _l("Team mailbox (empty: each staff member)"),
        validators=[Optional(), Email(), Length(max=254)],
    )

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "name_zh": self.name_zh.data,
            "notify_mode": self.notify_mode.data,
            "notify_email": self.notify_email.data or None,
        }


class DepartmentSettingsForm(DepartmentForm):
    head_id = SelectField(
        _l("Head of department (hears of escalations)"), coerce=int, choices=[], default=0
    )


class NewDepartmentForm(DepartmentForm):
    code = StringField(
        _l("Code (used in exports and by bank systems, e.g. cards)"),
        validators=[InputRequired(), Length(max=40)],
    )


class RetireForm(Form):
    successor_id = SelectField(
        _l("Where its open cases, touchpoints and routing rules go"), coerce=int, choices=[]
    )
