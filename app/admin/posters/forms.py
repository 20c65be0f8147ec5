"""The new poster's form: which touchpoint it asks about, and the branch where it hangs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.web.forms import Form


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


class PosterForm(Form):
    # Choices are the active touchpoints, filled by the view in the reader's language.
    touchpoint_id = SelectField(
        _l("Touchpoint it asks about"), coerce=int, validators=[InputRequired()]
    )
    branch = StringField(
        _l("Branch (as the dashboard should show it)"),
        filters=[_stripped],
        validators=[InputRequired(), Length(max=80)],
    )
