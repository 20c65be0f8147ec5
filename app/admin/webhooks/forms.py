"""The webhook endpoint's form and the rotation's, each field checked where it is shown."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, HiddenField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from app.services.cases.webhook_endpoints import EVENTS
from app.web.forms import Form, checkboxes

# The events in people's words; the codes are what the calls carry.
EVENT_LABELS = {
    "case.opened": _l("A case opens"),
    "case.closed": _l("A case closes"),
    "case.reopened": _l("A case reopens"),
    "case.cancelled": _l("A case is cancelled"),
    "response.received": _l("A customer's response arrives"),
}
URL_LENGTH = 254  # the outbox keeps the URL as the call's recipient
LONGEST_OVERLAP_HOURS = 24 * 30


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


def _http_netloc(address: str) -> str | None:
    """The host part of an http(s) address, or None when it is not one (no host, a bad port)."""
    try:
        parts = urlsplit(address)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port out of range, an unclosed [ of an IPv6 address
        return None
    web = parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok
    return parts.netloc if web else None


def web_address(form: Form, field: Field) -> None:
    """An http(s) address with a host, and no user name or password in it."""
    address = field.data or ""
    netloc = _http_netloc(address)
    if netloc is None:
        raise ValidationError(_l("Use a web address starting with https:// or http://."))
    if any(char.isspace() or not char.isprintable() for char in address):
        raise ValidationError(_l("A web address has no spaces or control characters."))
    if "@" in netloc:
        raise ValidationError(
            _l("Leave user names and passwords out of the address: the secret signs each call.")
        )


def some_event(form: Form, field: Field) -> None:
    """At least one event ticked (DataRequired would mark every checkbox as required)."""
    if not field.data:
        raise ValidationError(_l("Choose at least one event."))


class EndpointForm(Form):
    name = StringField(
        _l("Name"), filters=[_stripped], validators=[InputRequired(), Length(max=80)]
    )
    url = StringField(
        _l("URL (https://…)"),
        filters=[_stripped],
        validators=[InputRequired(), Length(max=URL_LENGTH), web_address],
    )
    events = checkboxes(
        _l("Events it hears of"),
        [SelectChoice(code, EVENT_LABELS[code]) for code in EVENTS],
        validators=[some_event],
    )
    active = BooleanField(_l("Active: calls are sent"), default=True)

    def values(self) -> dict[str, Any]:
        """The form as the endpoint's fields, the events in their fixed order."""
        chosen = set(self.events.data or [])
        return {
            "name": self.name.data,
            "url": self.url.data,
            "events": [code for code in EVENTS if code in chosen],
            "active": self.active.data,
        }


class RotateForm(Form):
    overlap_hours = IntegerField(
        _l("The old secret keeps signing too for (hours)"),
        default=24,
        validators=[InputRequired(), NumberRange(0, LONGEST_OVERLAP_HOURS)],
    )
    fingerprint = HiddenField()
