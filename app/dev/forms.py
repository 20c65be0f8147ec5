"""The development outbox's one form: send a waiting invitation now."""

from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.web.forms import Form


class SendNowForm(Form):
    invitation_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
