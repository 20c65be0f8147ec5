"""Forms for working a case; each is one action, with the case version it was loaded at.

No select starts on an answer: each opens on a blank "Choose…" and says beside the field what
is missing when it is sent blank, keeping whatever else was typed.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from app.models import CONTACT_CHANNELS, ROOT_CAUSES, Department, User
from app.web.forms import Form
from app.web.locale import local_name
from app.web.words import CHANNEL, ROOT_CAUSE


class CaseActionForm(Form):
    """Every case form carries the version the page showed, so two edits cannot collide."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


def _with_blank(prompt: str, options: Iterable[SelectChoice]) -> list[SelectChoice]:
    return [SelectChoice("", prompt), *options]


class NoteForm(CaseActionForm):
    note = TextAreaField(
        _l("Note"),
        validators=[InputRequired(message=_l("Write the note first.")), Length(max=5000)],
    )


STATUS_STEPS = ("acknowledged", "in_progress", "closed")


class StatusForm(CaseActionForm):
    """A step along the lifecycle; resolving, reopening and cancelling have forms of their own
    (a root cause, a reason, a confirmation)."""

    to_status = HiddenField(validators=[InputRequired(), AnyOf(STATUS_STEPS)])


class ReopenForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why is the case reopened?"),
        validators=[InputRequired(message=_l("Say why the case is reopened.")), Length(max=5000)],
    )


class CancelForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why is the case cancelled?"),
        validators=[InputRequired(message=_l("Say why the case is cancelled.")), Length(max=5000)],
    )
    confirm = BooleanField(
        _l("I understand: a cancelled case cannot be reopened."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class ContactForm(CaseActionForm):
    channel = SelectField(
        _l("How did you reach the customer?"),
        choices=_with_blank(
            _l("Choose a channel…"), (SelectChoice(c, CHANNEL[c]) for c in CONTACT_CHANNELS)
        ),
        validators=[InputRequired(message=_l("Choose how you reached the customer."))],
    )
    note = TextAreaField(_l("What was said"), validators=[Optional(), Length(max=5000)])


class ResolveForm(CaseActionForm):
    root_cause = SelectField(
        _l("Root cause"),
        choices=_with_blank(
            _l("Choose a root cause…"), (SelectChoice(c, ROOT_CAUSE[c]) for c in ROOT_CAUSES)
        ),
        validators=[InputRequired(message=_l("Choose the root cause."))],
    )
    summary = TextAreaField(
        _l("What was done"),
        validators=[
            InputRequired(message=_l("Say what was done to put it right.")),
            Length(max=5000),
        ],
    )


class WaitingForm(CaseActionForm):
    """Start waiting on the customer (waiting=y) or restart the clock (waiting empty)."""

    waiting = HiddenField()
    note = TextAreaField(_l("What we are waiting for, or what came"), validators=[Length(max=2000)])


class ReassignForm(CaseActionForm):
    department_id = SelectField(
        _l("Department"),
        validators=[InputRequired(message=_l("Choose the department to send it to."))],
    )
    reason = TextAreaField(
        _l("Why does it go there?"),
        validators=[
            InputRequired(message=_l("Say why the case goes to another department.")),
            Length(max=2000),
        ],
    )

    def offer(self, departments: Iterable[Department], current: int) -> ReassignForm:
        """The bank's other departments, by name in the reader's language."""
        self.department_id.choices = _with_blank(
            _l("Choose a department…"),
            (SelectChoice(str(d.id), local_name(d)) for d in departments if d.id != current),
        )
        return self


class AssignForm(CaseActionForm):
    """Give the case to someone of its department; the lifecycle refuses anyone else, so the
    choice is not limited to the list here (a colleague may have moved since the page loaded)."""

    assignee_id = SelectField(
        _l("Colleague"),
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose a colleague.")),
            Regexp(r"^\d+$", message=_l("Choose a colleague.")),
        ],
    )

    def offer(self, people: Iterable[User]) -> AssignForm:
        self.assignee_id.choices = _with_blank(
            _l("Choose a colleague…"), (SelectChoice(str(p.id), p.name or p.email) for p in people)
        )
        return self
