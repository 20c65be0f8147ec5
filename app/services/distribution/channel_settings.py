"""The bank's SMS and WeChat settings, and which channels can carry a message now.

The settings row is written the first time an admin saves it (/admin/channels); until then the
defaults stand in and only e-mail is on. A channel is usable when its settings name a provider
and the provider's secret is in the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.models import ChannelSettings
from app.services.governance.edits import apply_edit

EMAIL, SMS, WECHAT, LINK = "email", "sms", "wechat", "link"
SUBJECT = "channel_settings"  # the settings' name on the audit log
EDITABLE = frozenset(c.key for c in ChannelSettings.__table__.columns if c.key != "id")


def channel_settings(session: Session) -> ChannelSettings:
    """The saved settings, or the defaults (not added to the session) before the first save."""
    saved = session.get(ChannelSettings, 1)
    if saved is not None:
        return saved
    columns = ChannelSettings.__table__.columns
    return ChannelSettings(**{c.key: c.default.arg for c in columns if c.default is not None})


def save_channel_settings(
    session: Session, values: dict[str, Any], *, actor: str
) -> dict[str, list[Any]]:
    """Store an admin's settings, field by field on the audit log; the first save creates the
    row (and logs every field it sets)."""
    settings = session.get(ChannelSettings, 1)
    if settings is None:
        settings = ChannelSettings(id=1)
        session.add(settings)
    return apply_edit(session, settings, values, EDITABLE, actor=actor,
                      action="channel_settings.update", subject=SUBJECT)  # fmt: skip


def sms_missing(settings: ChannelSettings, config: Mapping[str, Any]) -> list[str]:
    """What SMS still lacks, as the settings' fields and environment variables that are empty
    ("sms_provider" alone: SMS is off). The bank's own platform may need no token."""
    if settings.sms_provider == "http":
        return [] if settings.sms_http_url else ["sms_http_url"]
    if settings.sms_provider == "cloud":
        needed = {
            "sms_cloud_app_id": settings.sms_cloud_app_id,
            "TENCENTCLOUD_SECRET_ID": config.get("TENCENTCLOUD_SECRET_ID"),
            "TENCENTCLOUD_SECRET_KEY": config.get("TENCENTCLOUD_SECRET_KEY"),
        }
        return [name for name, value in needed.items() if not value]
    return ["sms_provider"]


def wechat_missing(settings: ChannelSettings, config: Mapping[str, Any]) -> list[str]:
    """What WeChat still lacks: the account, its template, the app secret in the environment."""
    needed = {
        "wechat_app_id": settings.wechat_app_id,
        "wechat_template_id": settings.wechat_template_id,
        "WECHAT_APP_SECRET": config.get("WECHAT_APP_SECRET"),
    }
    return [name for name, value in needed.items() if not value]


def sms_ready(settings: ChannelSettings, config: Mapping[str, Any]) -> bool:
    return not sms_missing(settings, config)


def wechat_ready(settings: ChannelSettings, config: Mapping[str, Any]) -> bool:
    return not wechat_missing(settings, config)


def message_channels(settings: ChannelSettings, config: Mapping[str, Any]) -> frozenset[str]:
    """The channels that can carry an invitation's message now: e-mail always."""
    ready = {EMAIL}
    if sms_ready(settings, config):
        ready.add(SMS)
    if wechat_ready(settings, config):
        ready.add(WECHAT)
    return frozenset(ready)
