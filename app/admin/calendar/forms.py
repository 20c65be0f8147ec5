"""The business calendar's forms: the hours, and one holiday or make-up working day."""

from __future__ import annotations

import re
from typing import Any

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from app.services.cases.business_calendar import HOLIDAY, WORKDAY
from app.web.forms import Form, checkboxes, known_time_zone
from workflows.sla import BusinessCalendar

CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"
KINDS = {
    HOLIDAY: _l("Holiday: a day off"),
    WORKDAY: _l("Make-up working day: a weekend day worked"),
}
KIND_NAMES = {HOLIDAY: _l("Holiday"), WORKDAY: _l("Make-up working day")}  # in the year's list


def weekday_names(width: str = "wide") -> list[str]:
    """The days of the week in the reader's language, Monday first (0), as the calendar counts."""
    names = get_day_names(width, locale=get_locale())
    return [names[day] for day in range(7)]


def clock_field(label: str) -> StringField:
    """A wall-clock time, HH:MM (24-hour)."""
    return StringField(label, validators=[InputRequired(), Regexp(CLOCK, message=_l("Use HH:MM."))])


class HoursForm(Form):
    timezone = StringField(
        _l("Time zone (IANA, e.g. Asia/Shanghai)"), validators=[InputRequired(), known_time_zone]
    )
    opens = clock_field(_l("Opens (HH:MM)"))
    closes = clock_field(_l("Closes (HH:MM)"))
    working_weekdays = checkboxes(_l("Working weekdays"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.working_weekdays.choices = [
            SelectChoice(day, name) for day, name in enumerate(weekday_names())
        ]

    def validate_closes(self, field: Field) -> None:
        opens, closes = self.opens.data or "", field.data or ""
        if re.match(CLOCK, opens) and re.match(CLOCK, closes) and closes <= opens:
            raise ValidationError(_l("Closing time must be after the opening time."))

    def validate_working_weekdays(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one working day."))

    def load(self, calendar: BusinessCalendar) -> None:
        """Show the calendar in force."""
        self.timezone.data = calendar.timezone
        self.opens.data = calendar.opens.strftime("%H:%M")
        self.closes.data = calendar.closes.strftime("%H:%M")
        self.working_weekdays.data = sorted(calendar.working_weekdays)

    def values(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone.data,
            "opens": self.opens.data,
            "closes": self.closes.data,
            "working_weekdays": sorted(set(self.working_weekdays.data)),
        }


class DayEditForm(Form):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, label) for k, label in KINDS.items()])
    name = StringField(_l("Name (optional), e.g. 春节 / Spring Festival"), [Length(max=80)])

    def values(self) -> dict[str, Any]:
        return {"kind": self.kind.data, "name": (self.name.data or "").strip()}


class DayForm(DayEditForm):
    """A new day, in the year of the page it is added on."""

    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose a day."))])

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year

    def validate_day(self, field: Field) -> None:
        if field.data is not None and field.data.year != self.year:
            raise ValidationError(_l("Choose a day in %(year)d.", year=self.year))

    def values(self) -> dict[str, Any]:
        return {"day": self.day.data, **super().values()}
