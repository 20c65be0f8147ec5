"""The admin's forms: touchpoints (whether, when and how to ask), routing rules, departments."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.web.forms import Form

SEGMENTS = ("mass", "private", "vip", "business")


class TouchpointForm(Form):
    name = StringField(_l("Name (English)"), validators=[InputRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[InputRequired(), Length(max=120)])
    department_id = SelectField(_l("Owning department"), coerce=int)
    survey_code = SelectField(_l("Survey"))
    journey_stage = StringField(_l("Journey stage"), validators=[InputRequired(), Length(max=40)])
    journey_order = IntegerField(_l("Order in the journey"), validators=[NumberRange(0, 100)])
    delay_minutes = IntegerField(
        _l("Delay after the event (minutes)"), validators=[NumberRange(0, 60 * 24 * 30)]
    )
    send_at_local_time = StringField(
        _l("Then send at local time (HH:MM, optional)"),
        validators=[Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Use HH:MM."))],
    )
    sampling_percent = DecimalField(
        _l("Sampling rate (%)"), places=0, validators=[InputRequired(), NumberRange(0, 100)]
    )
    segments = SelectMultipleField(
        _l("Segments surveyed (none ticked: all)"),
        choices=[SelectChoice(s, s) for s in SEGMENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    expiry_days = IntegerField(
        _l("Invitation expires after (days)"), validators=[NumberRange(1, 90)]
    )
    reminder_hours = StringField(
        _l("Reminders, hours after the first e-mail (e.g. 48, 120)"),
        validators=[
            Optional(),
            Regexp(r"^\s*\d+(\s*,\s*\d+)*\s*$", message=_l("Numbers, comma-separated.")),
        ],
    )
    priority = IntegerField(_l("Priority (higher goes first)"), validators=[NumberRange(0, 100)])
    cooldown_days = IntegerField(
        _l("Cooldown for this touchpoint (days)"), validators=[NumberRange(0, 365)]
    )
    overrides_fatigue = BooleanField(_l("May override the fatigue rule (complaints)"))
    active = BooleanField(_l("Active"))

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
            "active": self.active.data,
        }


SCORE_CONDITION = re.compile(r"^\s*(nps|csat|ces)\s*(<=|>=)\s*(\d{1,2})\s*$")
ATTRIBUTE_LINE = re.compile(r"^\s*([\w.-]{1,40})\s*[:=]\s*(.+)$")


def split_list(text: str | None) -> list[str]:
    """Comma- or line-separated words (Chinese commas too), trimmed, without blanks."""
    return [item.strip() for item in re.split(r"[,，\n]", text or "") if item.strip()]


def parse_scores(text: str | None) -> list[dict[str, Any]]:
    """ "nps<=6, csat<=2" → [{"metric": "nps", "op": "<=", "value": 6}, …]; ValueError if not."""
    conditions = []
    for item in split_list(text):
        match = SCORE_CONDITION.match(item)
        if match is None:
            raise ValueError(item)
        metric, op, value = match.groups()
        conditions.append({"metric": metric, "op": op, "value": int(value)})
    return conditions


def parse_attributes(text: str | None) -> dict[str, list[str]]:
    """One "name: value, value" a line → {"name": ["value", "value"]}; ValueError if not."""
    attributes: dict[str, list[str]] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = ATTRIBUTE_LINE.match(line)
        if match is None:
            raise ValueError(line)
        attributes[match.group(1)] = split_list(match.group(2))
    return attributes


def _parses(parse: Any, message: Any) -> Any:
    def check(form: Form, field: Field) -> None:
        try:
            parse(field.data)
        except ValueError as wrong:
            raise ValidationError(f"{message} ({wrong})") from wrong

    return check


class RoutingRuleForm(Form):
    """One routing rule: the conditions that must all hold, then what the case gets."""

    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(),
            Length(max=80),
            Regexp(r"^[\w.-]+$", message=_l("Letters, digits, _ . - only.")),
        ],
    )
    position = IntegerField(
        _l("Order (lower is tried first)"), default=100, validators=[NumberRange(0, 10000)]
    )
    active = BooleanField(_l("Active"), default=True)
    scores = StringField(
        _l("Scores (any of, e.g. nps<=6, csat<=2, ces<=3)"),
        validators=[_parses(parse_scores, _l("Write metric, <= or >=, and a number"))],
    )
    polarity_below = DecimalField(
        _l("Comment sentiment below (-1 to 1, optional)"),
        places=2,
        validators=[Optional(), NumberRange(-1, 1)],
    )
    keywords = TextAreaField(_l("Keywords in the comment (any of; zh-CN or en, comma-separated)"))
    touchpoints = SelectMultipleField(
        _l("Touchpoints (none ticked: all)"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    journey_stages = StringField(_l("Journey stages (comma-separated, empty: all)"))
    segments = SelectMultipleField(
        _l("Segments (none ticked: all)"),
        choices=[SelectChoice(s, s) for s in SEGMENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    attributes = TextAreaField(
        _l("Event attributes, one a line (e.g. branch: Central, Airport)"),
        validators=[_parses(parse_attributes, _l("Write name: value, value"))],
    )
    opens_case = BooleanField(
        _l("Opens a case (untick: matching responses open none)"), default=True
    )
    department_id = SelectField(_l("Department"), coerce=int)
    priority = SelectField(
        _l("Priority"), default="P3", choices=[SelectChoice(p, p) for p in ("P1", "P2", "P3")]
    )
    first_contact_hours = DecimalField(
        _l("Hours to first contact (business hours)"),
        default=8,
        places=1,
        validators=[InputRequired(), NumberRange(0.1, 1000)],
    )
    resolve_hours = DecimalField(
        _l("Hours to resolve (business hours)"),
        default=40,
        places=1,
        validators=[InputRequired(), NumberRange(0.1, 5000)],
    )
    assignee_id = SelectField(_l("Assignee"), coerce=int)
    round_robin = BooleanField(_l("Otherwise, take turns within the department"))

    def load(self, rule: Any) -> None:
        """Show a stored rule's lists and conditions as the text the form edits."""
        scores = ", ".join(f"{s['metric']}{s['op']}{s['value']}" for s in rule.scores)
        self.scores.data = scores
        self.keywords.data = ", ".join(rule.keywords)
        self.touchpoints.data = list(rule.touchpoints)
        self.journey_stages.data = ", ".join(rule.journey_stages)
        self.segments.data = list(rule.segments)
        self.attributes.data = "\n".join(
            f"{key}: {', '.join(values)}" for key, values in rule.attributes.items()
        )
        self.department_id.data = rule.department_id or 0
        self.assignee_id.data = rule.assignee_id or 0

    def values(self) -> dict[str, Any]:
        """The form as model values; 0 in a select means "none"."""
        polarity = self.polarity_below.data
        return {
            "name": self.name.data,
            "position": self.position.data,
            "active": self.active.data,
            "scores": parse_scores(self.scores.data),
            "polarity_below": None if polarity is None else float(polarity),
            "keywords": split_list(self.keywords.data),
            "touchpoints": list(self.touchpoints.data),
            "journey_stages": split_list(self.journey_stages.data),
            "segments": list(self.segments.data),
            "attributes": parse_attributes(self.attributes.data),
            "opens_case": self.opens_case.data,
            "department_id": self.department_id.data or None,
            "priority": self.priority.data,
            "first_contact_hours": float(self.first_contact_hours.data),
            "resolve_hours": float(self.resolve_hours.data),
            "assignee_id": self.assignee_id.data or None,
            "round_robin": self.round_robin.data,
        }


NOTIFY_MODES = {
    "immediate": _l("An e-mail for each new case"),
    "digest": _l("One digest a day"),
    "off": _l("No e-mail"),
}


class DepartmentForm(Form):
    """How a department is named, and how its team hears of new cases."""

    name = StringField(_l("Name (English)"), validators=[InputRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[InputRequired(), Length(max=120)])
    notify_mode = SelectField(
        _l("New cases"), choices=[SelectChoice(k, v) for k, v in NOTIFY_MODES.items()]
    )
    notify_email = StringField(
        _l("Team mailbox (empty: each staff member)"),
        validators=[Optional(), Email(), Length(max=254)],
    )

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "name_zh": self.name_zh.data,
            "notify_mode": self.notify_mode.data,
            "notify_email": self.notify_email.data or None,
        }
