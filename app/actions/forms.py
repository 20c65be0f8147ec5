"""The forms of improvement actions: opening one, moving its status with a note, a note alone.

Selects open on a blank "Choose…" and say beside the field what is missing; the topic and
touchpoint lists come from the bank's own taxonomy and touchpoints, offered by the view.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.models import Department, Topic, Touchpoint
from app.web.forms import Form, supported_day
from app.web.locale import local_name

STATUS_NAMES = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "abandoned": _l("Abandoned"),
}


def _offered(prompt: str, options: Iterable[SelectChoice]) -> list[SelectChoice]:
    return [SelectChoice("", prompt), *options]


class ActionForm(Form):
    title = StringField(
        _l("What will change"),
        validators=[InputRequired(message=_l("Say what will change.")), Length(max=200)],
    )
    topic = SelectField(_l("Topic"), validators=[Optional()])
    touchpoint_id = SelectField(_l("Touchpoint"), validators=[Optional()])
    department_id = SelectField(
        _l("Owner department"),
        validators=[InputRequired(message=_l("Choose the department that owns the action."))],
    )
    due_on = DateField(_l("Due on"), validators=[Optional(), supported_day])
    expected_effect = TextAreaField(
        _l("Expected effect"), validators=[Optional(), Length(max=2000)]
    )

    def offer(
        self,
        topics: Iterable[Topic],
        touchpoints: Iterable[Touchpoint],
        departments: Iterable[Department],
    ) -> ActionForm:
        """The bank's active topics, touchpoints and departments, named in the reader's words."""
        self.topic.choices = _offered(
            _l("No topic"), (SelectChoice(t.code, local_name(t)) for t in topics if t.active)
        )
        self.touchpoint_id.choices = _offered(
            _l("No touchpoint"),
            (SelectChoice(str(t.id), local_name(t)) for t in touchpoints if t.active),
        )
        self.department_id.choices = _offered(
            _l("Choose a department…"),
            (SelectChoice(str(d.id), local_name(d)) for d in departments),
        )
        return self

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        if not self.topic.data and not self.touchpoint_id.data:
            self.topic.errors = [*self.topic.errors, _l("Choose a topic, a touchpoint or both.")]
            return False
        return valid


class StatusForm(Form):
    to_status = SelectField(
        _l("New status"), validators=[InputRequired(message=_l("Choose the new status."))]
    )
    note = TextAreaField(
        _l("Why"),
        validators=[InputRequired(message=_l("Say why the status changes.")), Length(max=5000)],
    )
    live_on = DateField(
        _l("Went live on"),
        validators=[Optional(), supported_day],
        description=_l("For done: the day the change reached customers; today if left empty."),
    )

    def offer(self, statuses: Iterable[str]) -> StatusForm:
        self.to_status.choices = _offered(
            _l("Choose a status…"), (SelectChoice(s, STATUS_NAMES[s]) for s in statuses)
        )
        return self


class NoteForm(Form):
    note = TextAreaField(
        _l("Note"),
        validators=[InputRequired(message=_l("Write the note first.")), Length(max=5000)],
    )
