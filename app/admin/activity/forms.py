"""The activity filter: a GET form (bookmarkable; it changes nothing, so no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.web.forms import Form, supported_day


class ActivityFilterForm(Form):
    actor = SelectField(_l("Who"), choices=[], validators=[Optional()])
    kind = SelectField(_l("What"), choices=[], validators=[Optional()])
    subject = StringField(
        _l("Object (e.g. touchpoint:branch_visit)"), validators=[Optional(), Length(max=100)]
    )
    start = DateField(_l("From"), validators=[Optional(), supported_day])
    end = DateField(_l("To"), validators=[Optional(), supported_day])
