"""The SMS and WeChat settings' form: each provider's fields are required only while it is the
one chosen, and every text is checked for the placeholders its sender fills in."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from app.admin.webhooks.forms import web_address
from app.web.forms import Form

SMS_PROVIDERS = [
    SelectChoice("", _l("Off: no invitation goes by SMS")),
    SelectChoice("http", _l("The bank's own SMS platform (HTTP)")),
    SelectChoice("cloud", _l("Tencent Cloud SMS")),
]
HTTP_METHODS = [SelectChoice("POST", "POST"), SelectChoice("GET", "GET")]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TEXT_PLACEHOLDERS = ("touchpoint", "link")
BODY_PLACEHOLDERS = ("mobile", "text", "ref")
LONGEST_WAIT_MINUTES = 24 * 60


def _stripped(value: str | None) -> str:
    return (value or "").strip()


def needed_for(*providers: str) -> Callable[[Form, Field], None]:
    """Required while SMS goes through one of `providers`; otherwise may stay empty."""

    def check(form: Form, field: Field) -> None:
        if form.sms_provider.data in providers and not field.data:
            raise StopValidation(_l("Needed for the SMS provider chosen above."))

    return check


def needed_with_app_id(form: Form, field: Field) -> None:
    """A WeChat template is needed once the official account is named."""
    if form.wechat_app_id.data and not field.data:
        raise StopValidation(_l("Needed once the app ID is set."))


def placeholders(known: Collection[str], required: Collection[str]) -> Callable[..., None]:
    """A text whose {placeholders} are all `known`, the `required` ones among them."""

    def check(form: Form, field: Field) -> None:
        used = set(PLACEHOLDER.findall(field.data or ""))
        if unknown := sorted(used - set(known)):
            raise ValidationError(
                _l(
                    "Unknown placeholder %(names)s: use only %(known)s.",
                    names=", ".join(f"{{{name}}}" for name in unknown),
                    known=" ".join(f"{{{name}}}" for name in known),
                )
            )
        if missing := [name for name in required if name not in used]:
            raise ValidationError(
                _l("Put %(names)s in the text.", names=" ".join(f"{{{n}}}" for n in missing))
            )

    return check


def _sms_text(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_stripped],
        validators=[
            needed_for("http", "cloud"),
            Optional(),
            Length(max=300),
            placeholders(TEXT_PLACEHOLDERS, required=("link",)),
        ],
    )


def _template_id(label: Any) -> StringField:
    return StringField(
        label,
        filters=[_stripped],
        validators=[
            needed_for("cloud"),
            Optional(),
            Regexp(r"^\d{1,12}$", message=_l("The template's ID: digits only.")),
        ],
    )


class ChannelsForm(Form):
    sms_provider = SelectField(_l("SMS goes through"), choices=SMS_PROVIDERS)
    sms_signature = StringField(
        _l("Signature"),
        filters=[_stripped],
        validators=[
            needed_for("http", "cloud"),
            Optional(),
            Regexp(
                r"^【[^【】]{2,12}】$",
                message=_l("The bank's approved signature in 【】, 2 to 12 characters."),
            ),
        ],
    )
    sms_text_zh = _sms_text(_l("Text in Chinese"))
    sms_text_en = _sms_text(_l("Text in English"))
    sms_opt_out_keyword = StringField(
        _l("Opt-out reply keyword"),
        filters=[_stripped],
        validators=[
            InputRequired(),
            Regexp(r"^[A-Za-z0-9\u4e00-\u9fff]{1,10}$", message=_l("1 to 10 letters or digits.")),
        ],
    )
    sms_http_url = StringField(
        _l("Platform URL (https://…)"),
        filters=[_stripped],
        validators=[needed_for("http"), Optional(), Length(max=500), web_address],
    )
    sms_http_method = SelectField(_l("Method"), choices=HTTP_METHODS)
    sms_http_body = TextAreaField(
        _l("Request body"),
        filters=[_stripped],
        validators=[
            needed_for("http"),
            Optional(),
            Length(max=4000),
            placeholders(BODY_PLACEHOLDERS, required=("mobile", "text")),
        ],
    )
    sms_cloud_app_id = StringField(
        _l("SMS app ID (SdkAppId)"),
        filters=[_stripped],
        validators=[
            needed_for("cloud"),
            Optional(),
            Regexp(r"^\d{6,12}$", message=_l("The SMS app's ID: digits, such as 1400006666.")),
        ],
    )
    sms_cloud_template_zh = _template_id(_l("Template ID, Chinese"))
    sms_cloud_template_en = _template_id(_l("Template ID, English"))
    sms_cloud_region = StringField(
        _l("Region"),
        filters=[_stripped],
        validators=[
            InputRequired(),
            Regexp(r"^[a-z]{2}-[a-z]+$", message=_l("A region such as ap-guangzhou.")),
        ],
    )
    wechat_app_id = StringField(
        _l("Official account app ID"),
        filters=[_stripped],
        validators=[
            Optional(),
            Regexp(r"^wx[0-9a-f]{16}$", message=_l("wx and 16 letters a-f or digits.")),
        ],
    )
    wechat_template_id = StringField(
        _l("Template message ID"),
        filters=[_stripped],
        validators=[
            needed_with_app_id,
            Optional(),
            Regexp(r"^[\w-]{1,80}$", message=_l("The template's ID, as WeChat shows it.")),
        ],
    )
    receipt_wait_minutes = IntegerField(
        _l("Wait for a delivery receipt (minutes)"),
        validators=[
            InputRequired(),
            NumberRange(1, LONGEST_WAIT_MINUTES, message=_l("Between 1 and 1440 minutes.")),
        ],
    )

    def values(self) -> dict[str, Any]:
        """The form as the settings' fields (every field of the row but its id)."""
        return {name: field.data for name, field in self._fields.items()}
