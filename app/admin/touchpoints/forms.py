"""A touchpoint's settings (whether, when and how to ask), and a new one with its code."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.models.customer import SEGMENTS
from app.web.forms import Form, checkboxes
from app.web.words import CHANNEL, JOURNEY_STAGE, SEGMENT

# Each segment by its words; the code is what is stored and what bank systems send.
SEGMENT_CHOICES = [SelectChoice(s, SEGMENT.get(s, s.replace("_", " "))) for s in SEGMENTS]
# The channels that carry a message; "link" is no message (the bank's app asks for the link
# of one event through the API), so it has no place in a touchpoint's order.
MESSAGE_CHANNELS = ("email", "sms", "wechat")
CHANNEL_CHOICES = [SelectChoice(c, CHANNEL[c]) for c in MESSAGE_CHANNELS]


def _not_chosen_before(form: Form, field: SelectField) -> None:
    """A channel appears once in the order: a second try by it would reach nobody new."""
    fields = form.channel_fields()
    earlier = fields[: fields.index(field)]
    if field.data and field.data in {f.data for f in earlier}:
        raise ValidationError(_l("Already chosen above: choose another channel or none."))


def _then_channel(label: Any) -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice("", _l("none")), *CHANNEL_CHOICES],
        default="",
        validators=[_not_chosen_before],
    )


def journey_stage_choices(keep: str | None = None) -> list[SelectChoice]:
    """The journey's stages by their words, in the order customers live them; a stage stored
    before (`keep`) that is not one of them stays offered, so saving does not change it."""
    stages = [SelectChoice(code, label) for code, label in JOURNEY_STAGE.items()]
    if keep and keep not in JOURNEY_STAGE:
        stages.append(SelectChoice(keep, keep.replace("_", " ")))
    return stages


class TouchpointForm(Form):
    name = StringField(_l("Name (English)"), validators=[InputRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[InputRequired(), Length(max=120)])
    department_id = SelectField(_l("Owning department"), coerce=int)
    survey_code = SelectField(_l("Survey"))
    journey_stage = SelectField(
        _l("Journey stage"), choices=journey_stage_choices(), validators=[InputRequired()]
    )
    journey_order = IntegerField(
        _l("Order in the journey"), default=0, validators=[NumberRange(0, 100)]
    )
    delay_minutes = IntegerField(
        _l("Delay after the event (minutes)"),
        default=60,
        validators=[NumberRange(0, 60 * 24 * 30)],
    )
    send_at_local_time = StringField(
        _l("Then send at local time (HH:MM, optional)"),
        validators=[Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Use HH:MM."))],
    )
    sampling_percent = DecimalField(
        _l("Sampling rate (%)"),
        places=0,
        default=100,
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    segments = checkboxes(_l("Segments surveyed (none ticked: all)"), SEGMENT_CHOICES)
    expiry_days = IntegerField(
        _l("Invitation expires after (days)"), default=14, validators=[NumberRange(1, 90)]
    )
    reminder_hours = StringField(
        _l("Reminders, hours after the first e-mail (e.g. 48, 120)"),
        validators=[
            Optional(),
            Regexp(r"^\s*\d+(\s*,\s*\d+)*\s*$", message=_l("Numbers, comma-separated.")),
        ],
    )
    priority = IntegerField(
        _l("Priority (higher goes first)"), default=50, validators=[NumberRange(0, 100)]
    )
    cooldown_days = IntegerField(
        _l("Cooldown for this touchpoint (days)"), validators=[NumberRange(0, 365)]
    )
    overrides_fatigue = BooleanField(_l("May override the fatigue rule (complaints)"))
    # Its choices have no "none": a touchpoint invites by at least one channel.
    first_channel = SelectField(_l("Invite first by"), choices=CHANNEL_CHOICES, default="email")
    second_channel = _then_channel(_l("If that fails or cannot reach the customer, then by"))
    third_channel = _then_channel(_l("And after that by"))
    active = BooleanField(_l("Active"), default=True)

    def channel_fields(self) -> list[SelectField]:
        return [self.first_channel, self.second_channel, self.third_channel]

    def show_channels(self, channels: list[str]) -> None:
        """Show a touchpoint's order in the three selects (the message channels of it)."""
        order = [c for c in channels if c in MESSAGE_CHANNELS]
        for field, channel in zip(self.channel_fields(), [*order, "", "", ""], strict=False):
            field.data = channel

    def values(self) -> dict[str, Any]:
        """The form as model values (percent to a rate, text lists to lists)."""
        hours = [int(h) for h in (self.reminder_hours.data or "").split(",") if h.strip()]
        return {
            "name": self.name.data,
            "name_zh": self.name_zh.data,
            "department_id": self.department_id.data,
            "survey_code": self.survey_code.data,
            "journey_stage": self.journey_stage.data,
            "journey_order": self.journey_order.data,
            "delay_minutes": self.delay_minutes.data,
            "send_at_local_time": self.send_at_local_time.data or None,
            "sampling_rate": float(self.sampling_percent.data) / 100,
            "segments": list(self.segments.data) or None,
            "expiry_days": self.expiry_days.data,
            "reminder_hours": sorted(hours),
            "priority": self.priority.data,
            "cooldown_days": self.cooldown_days.data,
            "overrides_fatigue": self.overrides_fatigue.data,
            "channels": [f.data for f in self.channel_fields() if f.data],
            "active": self.active.data,
        }


class NewTouchpointForm(TouchpointForm):
    code = StringField(
        _l("Code (what bank systems send, e.g. branch_visit)"),
        validators=[InputRequired(), Length(max=40)],
    )
