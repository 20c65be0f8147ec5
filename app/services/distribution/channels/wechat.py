"""What a WeChat invitation says: the bank's approved template message, filled in.

WeChat sends only templates the official account chose from its library, so the admin names one
(ChannelSettings.wechat_template_id) in the classic service-notice layout: a greeting (`first`),
the service (`keyword1`), its time (`keyword2`) and a closing line (`remark`); tapping the
message opens `url`, the survey. The words are in the customer's language, not the reader's, so
they are constants here rather than gettext's.
"""

from __future__ import annotations

from typing import Any, Literal

from app.models import ChannelSettings

Language = Literal["zh", "en"]
FIELDS = ("first", "keyword1", "keyword2", "remark")
TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "first": "您好，感谢您近期办理业务。邀请您花1分钟评价本次服务。",
        "remark": "点击详情填写问卷，您的意见将帮助我们改进。",
    },
    "en": {
        "first": "Thank you for banking with us. Would you rate the service in one minute?",
        "remark": "Tap Details to answer; what you say helps us improve.",
    },
}


def wechat_payload(
    settings: ChannelSettings,
    *,
    language: Language,
    touchpoint_name: str,
    when_text: str,
    link: str,
) -> dict[str, Any]:
    """The template message's fields, as WeChat's `message/template/send` takes them."""
    texts = TEXTS[language]
    values = {
        "first": texts["first"],
        "keyword1": touchpoint_name,
        "keyword2": when_text,
        "remark": texts["remark"],
    }
    return {
        "template_id": settings.wechat_template_id,
        "url": link,
        "data": {name: {"value": values[name]} for name in FIELDS},
    }


def wechat_summary(payload: dict[str, Any]) -> str:
    """The message as the customer reads it, line by line: the outbox page's body text."""
    return "\n".join(payload["data"][name]["value"] for name in FIELDS)
