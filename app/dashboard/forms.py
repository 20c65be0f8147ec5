"""The dashboard's filter: a GET form (bookmarkable, no CSRF needed: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from app.models import FIRST_DAY, LAST_DAY
from app.web.forms import Form

SEGMENTS = ("mass", "private", "vip", "business")
GROUPS = ("touchpoint", "department", "segment", "journey_stage", "week")


class FilterForm(Form):
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    department = SelectField(_l("Department"), choices=[], validators=[Optional()])
    touchpoint = SelectField(_l("Touchpoint"), choices=[], validators=[Optional()])
    journey_stage = SelectField(_l("Journey stage"), choices=[], validators=[Optional()])
    segment = SelectField(_l("Segment"), choices=[], validators=[Optional()])
    branch = StringField(_l("Branch"), validators=[Optional(), Length(max=80)])
    channel = SelectField(_l("Channel"), choices=[], validators=[Optional()])

    def validate_start(self, field: Field) -> None:
        _a_supported_day(field)

    def validate_end(self, field: Field) -> None:
        _a_supported_day(field)

    FACTS = ("department", "touchpoint", "journey_stage", "segment", "branch", "channel")
    FIELDS = ("start", "end", *FACTS)

    def facts(self) -> dict[str, str | None]:
        """The filter values as the report services take them (codes; empty means all)."""
        return {name: getattr(self, name).data or None for name in self.FACTS}


def _a_supported_day(field: Field) -> None:
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(
            _l("Choose a day from %(first)s to %(last)s.", first=FIRST_DAY, last=LAST_DAY)
        )
