"""Forms for working a case; each is one action, with the case version it was loaded at."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.models import CONTACT_CHANNELS, ROOT_CAUSES
from app.web.forms import Form
from app.web.words import CHANNEL, ROOT_CAUSE


class CaseActionForm(Form):
    """Every case form carries the version the page showed, so two edits cannot collide."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class NoteForm(CaseActionForm):
    note = TextAreaField(_l("Note"), validators=[InputRequired(), Length(max=5000)])


class StatusForm(CaseActionForm):
    to_status = HiddenField(validators=[InputRequired()])
    note = TextAreaField(_l("Note or reason"), validators=[Optional(), Length(max=5000)])


class ContactForm(CaseActionForm):
    channel = SelectField(
        _l("Channel"), choices=[SelectChoice(c, CHANNEL[c]) for c in CONTACT_CHANNELS]
    )
    note = TextAreaField(_l("What was said"), validators=[Optional(), Length(max=5000)])


class ResolveForm(CaseActionForm):
    root_cause = SelectField(
        _l("Root cause"), choices=[SelectChoice(c, ROOT_CAUSE[c]) for c in ROOT_CAUSES]
    )
    summary = TextAreaField(
        _l("Resolution summary"), validators=[InputRequired(), Length(max=5000)]
    )


class WaitingForm(CaseActionForm):
    """Start waiting on the customer (waiting=y) or restart the clock (waiting empty)."""

    waiting = HiddenField()
    note = TextAreaField(_l("What we are waiting for, or what came"), validators=[Length(max=2000)])


class ReassignForm(CaseActionForm):
    department_id = SelectField(_l("Department"), coerce=int)
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])
