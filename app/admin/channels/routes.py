"""Channels: how invitations reach customers beyond e-mail (SMS, WeChat), and whether each is
ready.

The secrets the providers need live in the environment only: this page says which variables
are set, never what they hold. Each SMS text is shown as the customer would get it, with the
number of SMS it takes, before and after saving ("Show preview" renders without saving).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.admin.access import admin_console
from app.admin.channels.forms import ChannelsForm
from app.admin.pages import actor, object_history
from app.extensions import db
from app.models import ChannelSettings
from app.services.distribution.channel_settings import (
    SUBJECT,
    channel_settings,
    save_channel_settings,
    sms_missing,
    wechat_missing,
)
from app.services.distribution.channels.sms import SAMPLE_CODE, sms_text
from workflows.message_length import SINGLE, SmsLength, segments

bp = admin_console(Blueprint("admin_channels", __name__, url_prefix="/admin/channels"))

# Each secret a provider reads from the environment, and what it is for.
SECRETS = (
    ("SMS_HTTP_TOKEN", _l("The bank's SMS platform: the token sent with each message")),
    ("SMS_CALLBACK_SECRET", _l("The bank's SMS platform: signs its receipts and replies")),
    ("TENCENTCLOUD_SECRET_ID", _l("Tencent Cloud SMS: the API key's ID")),
    ("TENCENTCLOUD_SECRET_KEY", _l("Tencent Cloud SMS: the API key")),
    ("WECHAT_APP_SECRET", _l("WeChat: the official account's app secret")),
    ("WECHAT_CALLBACK_TOKEN", _l("WeChat: the token its event messages are signed with")),
)
# Where each provider reports back, to be entered in its console.
CALLBACKS = (
    (_l("The bank's SMS platform: delivery receipts"), "/hooks/sms/http/receipts"),
    (_l("The bank's SMS platform: replies"), "/hooks/sms/http/replies"),
    (_l("Tencent Cloud SMS: status callback"), "/hooks/sms/cloud/receipts"),
    (_l("Tencent Cloud SMS: reply callback"), "/hooks/sms/cloud/replies"),
    (_l("WeChat: server URL (events)"), "/hooks/wechat"),
)
MISSING = {
    "sms_provider": _l("SMS is off: choose how it goes out."),
    "sms_http_url": _l("The platform's URL is not set."),
    "sms_cloud_app_id": _l("The SMS app ID is not set."),
    "wechat_app_id": _l("The official account's app ID is not set."),
    "wechat_template_id": _l("The template message ID is not set."),
}
# The previews' touchpoint (their link is as long as a real one: sms.SAMPLE_CODE).
SAMPLE_TOUCHPOINT = {"zh": "网点到访", "en": "branch visit"}
ENCODING = {"GSM-7": _l("GSM-7, Latin letters"), "UCS-2": _l("UCS-2, with Chinese or symbols")}


@dataclass(frozen=True)
class Preview:
    """One SMS text as a customer gets it, and what it costs."""

    language: str
    text: str
    length: SmsLength

    @property
    def one_sms(self) -> int:
        return SINGLE[self.length.encoding]

    @property
    def encoding(self) -> str:
        return str(ENCODING.get(self.length.encoding, self.length.encoding))


@dataclass(frozen=True)
class Readiness:
    """Whether a channel can carry invitations now, and if not, what it lacks in words."""

    channel: str
    missing: list[str]


@bp.route("", methods=["GET", "POST"])
def channels() -> Any:
    settings = channel_settings(db.session)
    form = ChannelsForm(obj=settings) if request.method == "GET" else ChannelsForm()
    if form.validate_on_submit() and "preview" not in request.form:
        save_channel_settings(db.session, form.values(), actor=actor())
        db.session.commit()
        flash(_("Channel settings saved. Invitations sent from now on follow them."), "ok")
        return redirect(url_for("admin_channels.channels"))
    config = current_app.config
    return render_template(
        "admin/channels/edit.html",
        form=form,
        saved=settings in db.session,
        previews=_previews(form, config["BASE_URL"]),
        readiness=[
            Readiness("sms", _words(sms_missing(settings, config))),
            Readiness("wechat", _words(wechat_missing(settings, config))),
        ],
        secrets=[(name, purpose, bool(config.get(name))) for name, purpose in SECRETS],
        callbacks=[(label, config["BASE_URL"] + path) for label, path in CALLBACKS],
        **object_history(SUBJECT),
    )


def _previews(form: ChannelsForm, base_url: str) -> dict[str, Preview | None]:
    """Each language's whole message with the texts on the form (saved or just typed); None
    for a text with an error, which cannot be filled in."""
    typed = ChannelSettings(**form.values())  # never added to the session: a preview only
    link = f"{base_url}/r/{SAMPLE_CODE}"
    shown: dict[str, Preview | None] = {}
    for language, field in (("zh", form.sms_text_zh), ("en", form.sms_text_en)):
        if field.errors:
            shown[language] = None
            continue
        text = sms_text(
            typed, language=language, touchpoint_name=SAMPLE_TOUCHPOINT[language], link=link
        )
        shown[language] = Preview(language, text, segments(text))
    return shown


def _words(missing: list[str]) -> list[str]:
    """What a channel lacks, in words; an environment variable by its name."""
    return [
        str(MISSING[name])
        if name in MISSING
        else _("%(variable)s is not set in the environment.", variable=name)
        for name in missing
    ]
