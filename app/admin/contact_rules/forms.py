"""The contact rules' form: fatigue by segment, quiet hours, new touchpoints' cooldown."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.admin.calendar.forms import clock_field
from app.models.customer import SEGMENTS
from app.services.distribution.contact_settings import ContactSettings
from app.web.forms import Form
from app.web.words import SEGMENT

DAYS = NumberRange(0, 365, message=_l("Between 0 and 365 days."))


def _segment_days(label: str) -> IntegerField:
    """Days for one segment; left empty, the segment follows the default."""
    return IntegerField(label, validators=[Optional(), DAYS])


class ContactRulesForm(Form):
    default_fatigue_days = IntegerField(
        _l("Days between two surveys to one customer"), validators=[InputRequired(), DAYS]
    )
    # Each segment by its words (app.web.words), as every other page says it.
    fatigue_mass = _segment_days(SEGMENT["mass"])
    fatigue_private = _segment_days(SEGMENT["private"])
    fatigue_vip = _segment_days(SEGMENT["vip"])
    fatigue_business = _segment_days(SEGMENT["business"])
    quiet_start = clock_field(_l("Quiet hours start (HH:MM)"))
    quiet_end = clock_field(_l("Quiet hours end (HH:MM)"))
    default_cooldown_days = IntegerField(
        _l("Cooldown of a new touchpoint (days)"), validators=[InputRequired(), DAYS]
    )

    def segment_fields(self) -> list[IntegerField]:
        return [self[f"fatigue_{segment}"] for segment in SEGMENTS]

    def load(self, settings: ContactSettings) -> None:
        """Show the rules in force."""
        policy = settings.policy
        self.default_fatigue_days.data = policy.default_fatigue_days
        for segment, field in zip(SEGMENTS, self.segment_fields(), strict=True):
            field.data = policy.fatigue_days.get(segment)
        self.quiet_start.data = policy.quiet_start.strftime("%H:%M")
        self.quiet_end.data = policy.quiet_end.strftime("%H:%M")
        self.default_cooldown_days.data = settings.default_cooldown_days

    def values(self) -> dict[str, Any]:
        by_segment = zip(SEGMENTS, self.segment_fields(), strict=True)
        return {
            "default_fatigue_days": self.default_fatigue_days.data,
            "fatigue_days": {s: field.data for s, field in by_segment if field.data is not None},
            "quiet_start": self.quiet_start.data,
            "quiet_end": self.quiet_end.data,
            "default_cooldown_days": self.default_cooldown_days.data,
        }
