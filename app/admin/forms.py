"""The routing rule form: which responses become whose cases, how urgent, and why."""

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
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.admin.touchpoints.forms import SEGMENT_CHOICES
from app.web.forms import CODE_NAME, Form, checkboxes
from app.web.words import JOURNEY_STAGE, PRIORITY

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


def stage_choices(kept: list[str] | None = None) -> list[SelectChoice]:
    """The journey's stages by their words; stages a rule names that are not among them stay
    offered (`kept`), so saving the rule does not drop them."""
    extra = [stage for stage in kept or [] if stage not in JOURNEY_STAGE]
    return [
        *(SelectChoice(code, label) for code, label in JOURNEY_STAGE.items()),
        *(SelectChoice(stage, stage.replace("_", " ")) for stage in extra),
    ]


class RoutingRuleForm(Form):
    """One routing rule: the conditions that must all hold, then what the case gets."""

    name = StringField(
        _l("Name"),
        description=_l("Letters, digits and _ . - (e.g. vip_complaints); cases show it as why."),
        validators=[
            InputRequired(),
            Length(max=80),
            CODE_NAME,
        ],
    )
    position = IntegerField(
        _l("Order"),
        description=_l("Lower numbers are tried first."),
        default=100,
        validators=[NumberRange(0, 10000)],
    )
    active = BooleanField(_l("Active"), default=True)
    scores = StringField(
        _l("Scores"),
        description=_l("Any of them, e.g. nps<=6, csat<=2, ces<=3; empty: any score."),
        validators=[_parses(parse_scores, _l("Write metric, <= or >=, and a number"))],
    )
    polarity_below = DecimalField(
        _l("Comment sentiment below"),
        description=_l("From -1 (very negative) to 1 (very positive); empty: any comment."),
        places=2,
        validators=[Optional(), NumberRange(-1, 1)],
    )
    keywords = TextAreaField(
        _l("Keywords in the comment"),
        description=_l("Any of them, in Chinese or English, separated by commas."),
    )
    topics = checkboxes(
        _l("Topics of the comment"),
        description=_l("Any of them, as read in the comment; none ticked: any comment."),
    )
    touchpoints = checkboxes(_l("Touchpoints"), description=_l("None ticked: every touchpoint."))
    journey_stages = checkboxes(
        _l("Journey stages"), stage_choices(), description=_l("None ticked: every stage.")
    )
    segments = checkboxes(
        _l("Segments"), SEGMENT_CHOICES, description=_l("None ticked: every segment.")
    )
    attributes = TextAreaField(
        _l("Event attributes"),
        description=_l("One a line, e.g. branch: Central, Airport"),
        validators=[_parses(parse_attributes, _l("Write name: value, value"))],
    )
    opens_case = BooleanField(
        _l("Opens a case"),
        description=_l("Untick: the responses it matches open no case."),
        default=True,
    )
    department_id = SelectField(_l("Department"), coerce=int)
    priority = SelectField(
        _l("Priority"),
        default="P3",
        choices=[SelectChoice(code, label) for code, label in PRIORITY.items()],
    )
    first_contact_hours = DecimalField(
        _l("Hours to first contact"),
        description=_l("Business hours."),
        default=8,
        places=1,
        validators=[InputRequired(), NumberRange(0.1, 1000)],
    )
    resolve_hours = DecimalField(
        _l("Hours to resolve"),
        description=_l("Business hours."),
        default=40,
        places=1,
        validators=[InputRequired(), NumberRange(0.1, 5000)],
    )
    assignee_id = SelectField(_l("Assignee"), coerce=int)
    round_robin = BooleanField(_l("Otherwise, take turns within the department"))
    # The form's second button: the same values, tried on past responses instead of saved.
    trial = SubmitField(_l("Try on the last 30 days"))

    def load(self, rule: Any) -> None:
        """Show a stored rule's lists and conditions as the text the form edits."""
        scores = ", ".join(f"{s['metric']}{s['op']}{s['value']}" for s in rule.scores)
        self.scores.data = scores
        self.keywords.data = ", ".join(rule.keywords)
        self.topics.data = list(rule.topics)
        self.touchpoints.data = list(rule.touchpoints)
        self.journey_stages.data = list(rule.journey_stages)
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
            "topics": list(self.topics.data),
            "touchpoints": list(self.touchpoints.data),
            "journey_stages": list(self.journey_stages.data),
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
