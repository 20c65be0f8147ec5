"""The dashboard's filter: a GET form (bookmarkable, no CSRF needed: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.web.forms import Form, supported_day

GROUPS = ("touchpoint", "department", "segment", "journey_stage", "week")


class FilterForm(Form):
    start = DateField(_l("From"), validators=[Optional(), supported_day])
    end = DateField(_l("To"), validators=[Optional(), supported_day])
    department = SelectField(_l("Department"), choices=[], validators=[Optional()])
    touchpoint = SelectField(_l("Touchpoint"), choices=[], validators=[Optional()])
    journey_stage = SelectField(_l("Journey stage"), choices=[], validators=[Optional()])
    segment = SelectField(_l("Segment"), choices=[], validators=[Optional()])
    branch = StringField(_l("Branch"), validators=[Optional(), Length(max=80)])
    channel = SelectField(_l("Channel"), choices=[], validators=[Optional()])

    FACTS = ("department", "touchpoint", "journey_stage", "segment", "branch", "channel")
    FIELDS = ("start", "end", *FACTS)

    def facts(self) -> dict[str, str | None]:
        """The filter values as the report services take them (codes; empty means all)."""
        return {name: getattr(self, name).data or None for name in self.FACTS}
