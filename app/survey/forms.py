"""The survey form a customer fills in: an NPS question and a comment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

COMMENT_MAX = 2000


class NpsSurveyForm(FlaskForm):
    nps = RadioField(
        choices=[SelectChoice(str(score), str(score)) for score in range(11)],
        validators=[InputRequired(message=_l("Please choose a score from 0 to 10."))],
    )
    comment = TextAreaField(
        validators=[
            Length(max=COMMENT_MAX, message=_l("Please keep your comment under 2,000 characters."))
        ]
    )
