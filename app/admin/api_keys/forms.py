"""The API key form: a name for the system that uses the key, and what the key may do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.services.accounts.api_keys import DEFAULT_SCOPES, SCOPES
from app.web.forms import CODE_NAME, Form, checkboxes

SCOPE_LABELS = {
    "events:write": _l("Send touchpoint events"),
    "metrics:read": _l("Read the metrics"),
    "cases:read": _l("Read cases"),
    "cases:write": _l("Change the status of cases"),
}


def _some_ticked(form: Form, field: Field) -> None:
    """At least one box; unlike DataRequired, it marks no single checkbox `required`."""
    if not field.data:
        raise ValidationError(_l("Tick at least one."))


class ApiKeyForm(Form):
    # The name is the key's actor on the audit log ("api-key:core-banking"): kept to a code.
    name = StringField(
        _l("Name of the system that uses it (e.g. core-banking)"),
        validators=[
            InputRequired(),
            Length(max=80),
            CODE_NAME,
        ],
    )
    scopes = checkboxes(
        _l("What the key may do"),
        [SelectChoice(code, SCOPE_LABELS[code]) for code in SCOPES],
        default=list(DEFAULT_SCOPES),
        validators=[_some_ticked],
    )
