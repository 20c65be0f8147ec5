"""The bank's profile: the name, logo, colour, time zone and languages its pages show.

One row, written when the bank is set up and changed by admins later, each change on the audit
log. Until it exists a default stands in, so every page can ask for it without a check.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Bank
from app.models.settings import BANK_COLOUR, BANK_LANGUAGES, BANK_TIMEZONE
from app.services.database.remembered import Remembered
from app.services.governance.edits import apply_edit

FIELDS = frozenset({"name", "name_zh", "colour", "timezone", "languages", "logo"})
LOGO_TYPES = {"image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff", "image/svg+xml": b"<"}
LOGO_MAX_BYTES = 100_000


class LogoRefused(ValueError):
    """An upload that is not a small PNG, JPEG or SVG image."""


def bank_profile(session: Session) -> Bank:
    """The stored profile, or an unsaved default."""
    return session.get(Bank, 1) or Bank(
        id=1,
        name="",
        name_zh="",
        colour=BANK_COLOUR,
        timezone=BANK_TIMEZONE,
        languages=list(BANK_LANGUAGES),
        logo=None,
    )


class Brand(NamedTuple):
    """What every page shows of the bank: read on the hot path, so kept as plain values."""

    name: str
    name_zh: str
    colour: str
    logo: str | None
    timezone: str

    @property
    def version(self) -> str:
        """Changes with the colour, so browsers fetch /brand.css again exactly when it does."""
        return hashlib.sha256(self.colour.encode()).hexdigest()[:8]


# The profile as pages show it, read at most once in a few seconds per process (like API keys):
# a change saved in this process applies at once, one saved by another process within seconds.
BRAND: Remembered[str, Brand] = Remembered()


def brand_of(session: Session, *, now: datetime) -> Brand:
    found = BRAND.get("bank", now)
    if found is None:
        bank = bank_profile(session)
        found = Brand(bank.name, bank.name_zh, bank.colour, bank.logo, bank.timezone)
        BRAND.put("bank", found, now)
    return found


def save_bank_profile(session: Session, values: dict[str, Any], *, actor: str) -> Bank:
    """Store the profile (creating it the first time), on the audit log."""
    bank = session.get(Bank, 1)
    created = bank is None
    if bank is None:
        bank = Bank(id=1)
        session.add(bank)
    action = "bank.create" if created else "bank.update"
    apply_edit(session, bank, values, FIELDS, actor=actor, action=action, subject="bank")
    BRAND.forget()
    return bank


def logo_data_uri(content: bytes, content_type: str) -> str:
    """An uploaded logo as a data: URI, after checking it is the small image it claims to be.

    Kept in the row and shown with <img src="data:…">, which the Content-Security-Policy allows
    and which never runs a script an SVG might hold.
    """
    signature = LOGO_TYPES.get(content_type)
    if signature is None:
        raise LogoRefused(_l("Upload a PNG, JPEG or SVG image."))
    if len(content) > LOGO_MAX_BYTES:
        raise LogoRefused(_l("Keep the logo under %(kb)d KB.", kb=LOGO_MAX_BYTES // 1000))
    if not content.lstrip().startswith(signature):
        raise LogoRefused(_l("The file is not the image type it says it is."))
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"
