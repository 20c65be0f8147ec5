"""The bank's own SMS platform, called over HTTP as the admin configured it.

The request: `sms_http_method` (POST or GET) to `sms_http_url`, with `Authorization: Bearer
<SMS_HTTP_TOKEN>` when that is set. The body (for GET: the query string) is the admin's template
`sms_http_body` with three placeholders:

    {mobile}  the number in E.164, +8613800138000
    {text}    the whole SMS: signature, text, link, opt-out line
    {ref}     Touchloop's key for the message, the same on every retry (for the platform to
              drop a repeat)

A template that starts with `{` or `[` is JSON: the values are JSON-escaped (so write them inside
quotes, "{text}") and sent as application/json; any other template is a form, its values
URL-encoded. An empty template sends {"mobile": "{mobile}", "text": "{text}", "ref": "{ref}"}.
GET puts the number in the URL, where access logs keep it: POST is the one to choose.

The answer the platform must give: HTTP 2xx with `{"code": 0, "msgid": "<its message id>"}`.
The msgid is what its delivery receipts name. Any other code means not sent: 1001 (not a valid
number) and 1002 (the number refuses messages) are final, so the invitation goes by its next
channel; other codes are tried again later. A timeout, no connection, 5xx or 429 are tried
again; any other 4xx is final.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import requests

from app.models import OutboxMessage
from app.services.distribution.outbox import (
    PermanentDeliveryError,
    Sender,
    TemporaryDeliveryError,
)

DEFAULT_BODY = '{"mobile": "{mobile}", "text": "{text}", "ref": "{ref}"}'
ACCEPTED = "0"  # as a number or a string: platforms differ
FINAL_CODES = {"1001": "not a valid number", "1002": "the number refuses messages"}
RETRYABLE_4XX = {408, 429}
PLACEHOLDER = re.compile(r"\{(mobile|text|ref)\}")


@dataclass(frozen=True)
class HttpPlatform:
    """Where and how to call the bank's platform: plain values, read once per delivery run."""

    url: str
    method: str = "POST"
    body: str = ""
    token: str | None = None
    timeout: float = 10


def http_sender(platform: HttpPlatform) -> Sender:
    """A sender for the outbox: one call to the platform per message."""

    def send(message: OutboxMessage) -> str:
        values = {
            "mobile": message.recipient,
            "text": message.body_text,
            "ref": message.subject_key,
        }
        try:
            reply = requests.request(
                platform.method,
                platform.url,
                timeout=platform.timeout,
                **_request(platform, values),
            )
        except requests.RequestException as error:  # timed out, refused, reset
            raise TemporaryDeliveryError(f"no answer from the SMS platform: {error}") from error
        return _message_id(reply)

    return send


def _request(platform: HttpPlatform, values: dict[str, str]) -> dict[str, Any]:
    """The keyword arguments for `requests`: the filled template as body or query, headers."""
    template = platform.body.strip() or DEFAULT_BODY
    is_json = template.startswith(("{", "["))
    escape: Callable[[str], str] = _json_escape if is_json else quote_plus
    # One pass, so a text holding "{ref}" is sent as it is written.
    template = PLACEHOLDER.sub(lambda found: escape(values[found.group(1)]), template)
    headers = {"Authorization": f"Bearer {platform.token}"} if platform.token else {}
    if platform.method == "GET":
        return {"params": template, "headers": headers}
    content_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    return {
        "data": template.encode(),
        "headers": {**headers, "Content-Type": f"{content_type}; charset=utf-8"},
    }


def _json_escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _message_id(reply: requests.Response) -> str:
    """The platform's id for the message, or the delivery error its answer means."""
    status = reply.status_code
    if status >= 500 or status in RETRYABLE_4XX:
        raise TemporaryDeliveryError(f"SMS platform answered {status}")
    if status >= 400:
        raise PermanentDeliveryError(f"SMS platform refused the message: {status}")
    try:
        answer = reply.json()
        code, msgid = str(answer.get("code")), answer.get("msgid")
    except (ValueError, AttributeError) as error:
        raise PermanentDeliveryError("SMS platform's answer is not the agreed JSON") from error
    if code == ACCEPTED and msgid not in (None, ""):
        return str(msgid)
    if code in FINAL_CODES:
        raise PermanentDeliveryError(f"SMS platform code {code}: {FINAL_CODES[code]}")
    if code == ACCEPTED:
        raise PermanentDeliveryError("SMS platform took the message but gave no msgid")
    raise TemporaryDeliveryError(f"SMS platform code {code}")
