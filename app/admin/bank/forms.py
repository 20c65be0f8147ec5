"""The bank's profile form: what its pages and surveys show of it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from app.models.settings import BANK_COLOUR, BANK_LANGUAGES, BANK_TIMEZONE
from app.services.governance.bank_profile import logo_data_uri
from app.web.forms import Form, checkboxes, known_time_zone

LANGUAGE_CHOICES = [SelectChoice("zh-CN", "中文"), SelectChoice("en", "English")]
COLOUR = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour such as #1f5fad."))


class BankFields(Form):
    """What the bank's pages show of it; the first run and the admin's profile page share it."""

    name = StringField(_l("Bank name (English)"), validators=[InputRequired(), Length(max=120)])
    name_zh = StringField(_l("Bank name (Chinese)"), validators=[Length(max=120)])
    colour = StringField(
        _l("Brand colour"), default=BANK_COLOUR, validators=[InputRequired(), COLOUR]
    )
    timezone = StringField(
        _l("Time zone"), default=BANK_TIMEZONE, validators=[InputRequired(), known_time_zone]
    )
    languages = checkboxes(
        _l("Languages customers are asked in"),
        LANGUAGE_CHOICES,
        default=list(BANK_LANGUAGES),
        validators=[InputRequired(message=_l("Choose at least one language."))],
    )

    def profile(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "name_zh": (self.name_zh.data or "").strip(),
            "colour": self.colour.data.lower(),
            "timezone": self.timezone.data,
            "languages": list(self.languages.data),
        }

    logo = FileField(_l("Logo (PNG, JPEG or SVG, up to 100 KB)"))

    def logo_change(self) -> dict[str, str | None]:
        """The logo's change: a new upload, or none; LogoRefused with what to fix."""
        upload = self.logo.data
        if upload is None or not upload.filename:
            return {}
        return {"logo": logo_data_uri(upload.read(), upload.mimetype)}


class BankProfileForm(BankFields):
    """The profile as admins change it later: the logo can also be removed."""

    remove_logo = BooleanField(_l("Remove the logo"))

    def logo_change(self) -> dict[str, str | None]:
        return {"logo": None} if self.remove_logo.data else super().logo_change()
