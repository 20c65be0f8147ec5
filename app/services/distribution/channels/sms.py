"""What an SMS invitation says: the bank's signature, its text, the short link, the opt-out line.

The words are the bank's content, not the interface's: an admin writes them per language
(ChannelSettings.sms_text_zh / sms_text_en, with {touchpoint} and {link}), and until then the
defaults below stand in. They are not translated through gettext, since the customer's
language, not the reader's, decides which one goes out. The Chinese default fits one SMS
(70 characters) with a signature, a touchpoint name of up to 17 characters and a short link
such as https://bank.example/r/Ab3dE5g.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from app.models import ChannelSettings
from workflows.message_length import SmsLength, segments

Language = Literal["zh", "en"]
DEFAULT_TEXTS: dict[str, str] = {
    "zh": "{touchpoint}体验如何？1分钟问卷：{link}",
    "en": "How was your {touchpoint}? 1-min survey: {link}",
}
OPT_OUT_LINES: dict[str, str] = {"zh": "回{keyword}退订", "en": "Reply {keyword} to opt out"}
DEFAULT_KEYWORD = "TD"
# Replies that opt out whatever keyword the bank chose: the ones Chinese customers know.
COMMON_OPT_OUT_WORDS = frozenset({"TD", "T", "退订"})
# A short link as long as the real ones (/r/ and seven characters), to measure a text by.
SAMPLE_CODE = "Ab3dE5g"
PLACEHOLDER = re.compile(r"\{(touchpoint|link)\}")


def sms_text(
    settings: ChannelSettings, *, language: Language, touchpoint_name: str, link: str
) -> str:
    """The whole SMS: signature, the bank's text (or the default) and the opt-out line."""
    text = settings.sms_text_zh if language == "zh" else settings.sms_text_en
    text = text or DEFAULT_TEXTS[language]
    if "{link}" not in text:  # a survey invitation without its link would be useless
        text = f"{text} {{link}}"
    values = {"touchpoint": touchpoint_name, "link": link}
    # One pass, so a touchpoint named "{link}" stays as it is written.
    body = PLACEHOLDER.sub(lambda found: values[found.group(1)], text)
    opt_out = OPT_OUT_LINES[language].replace("{keyword}", _keyword(settings))
    return f"{settings.sms_signature or ''}{body} {opt_out}"


def cloud_template_params(*, touchpoint_name: str, link: str) -> list[str]:
    """The parameters of the bank's approved Tencent Cloud template: {1} the touchpoint, {2} the
    link's path ("r/Ab3dE5g"). Tencent refuses a whole URL as a parameter, so the template
    itself holds the host: "...1分钟问卷：https://bank.example/{2}"."""
    return [touchpoint_name, urlsplit(link).path.lstrip("/")]


def measure(
    settings: ChannelSettings, *, language: Language, touchpoint_name: str, base_url: str
) -> SmsLength:
    """How long the SMS for this touchpoint will be, measured with a link of the real length."""
    link = f"{base_url.rstrip('/')}/r/{SAMPLE_CODE}"
    return segments(
        sms_text(settings, language=language, touchpoint_name=touchpoint_name, link=link)
    )


def is_opt_out_reply(text: str, keyword: str | None) -> bool:
    """Whether a customer's reply asks to stop: the bank's keyword or a common one, any case."""
    word = text.strip().upper()
    return word in COMMON_OPT_OUT_WORDS or word == (keyword or DEFAULT_KEYWORD).strip().upper()


def _keyword(settings: ChannelSettings) -> str:
    return settings.sms_opt_out_keyword or DEFAULT_KEYWORD
