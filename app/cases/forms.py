"""Forms for working a case; each is one action with its own CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[InputRequired(), Length(max=5000)])


class ResolveForm(FlaskForm):
    summary = TextAreaField(
        _l("Resolution summary"), validators=[InputRequired(), Length(max=5000)]
    )
