"""WeChat template messages to a customer's openid on the bank's official account (wechatpy).

One call per message: `message/template/send` with the template's fields (composed by
distribution.channels.wechat and stored as the message's payload). WeChat answers with a
`msgid`, which its TEMPLATESENDJOBFINISH event names later (app/hooks/wechat.py).

How WeChat's answers are taken (its global and template-message error codes):
- 40001, 40014, 42001: the access token is invalid or expired; it is dropped from the shared
  store, a new one fetched, and the message sent once more.
- -1 (system busy), 45009 (daily API quota), 45011 (per-minute quota), 45047 (too many
  messages to the user), a timeout, no connection, HTTP 5xx or 429: tried again later.
- Anything else, 40003 (not a valid openid), 43004 (the customer does not follow the account)
  and 40037 (no such template) among them: final, so the invitation goes by its next channel.

The access token is never logged nor written to a message's error: it travels in the query
string, so the requests library's own error texts, which quote the URL, are replaced here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import requests
from sqlalchemy.orm import Session
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from app.models import ChannelSettings, OutboxMessage
from app.services.distribution.outbox import (
    PermanentDeliveryError,
    Sender,
    TemporaryDeliveryError,
)
from app.services.distribution.providers.wechat_tokens import (
    SharedToken,
    SharedTokenStorage,
    TokenUnavailable,
)

API_BASE_URL = WeChatClient.API_BASE_URL  # https://api.weixin.qq.com/cgi-bin/
STALE_TOKEN = frozenset({40001, 40014, 42001})
TRY_LATER = frozenset({-1, 45009, 45011, 45047})
KNOWN_REFUSALS = {
    40003: "not a valid openid for this official account",
    43004: "the customer does not follow the official account",
    40037: "the template id is not one of the account's templates",
}


def wechat_sender(session: Session, settings: ChannelSettings, config: Mapping[str, Any]) -> Sender:
    """A sender for the outbox's WeChat messages, sharing the account's token with every worker.

    WECHAT_API_URL points the client at another server (a test's fake); timeouts are
    PROVIDER_TIMEOUT_SECONDS.
    """
    base_url = (config.get("WECHAT_API_URL") or API_BASE_URL).rstrip("/") + "/"
    timeout = float(config["PROVIDER_TIMEOUT_SECONDS"])
    app_id, secret = settings.wechat_app_id, config["WECHAT_APP_SECRET"]
    fetch = partial(fetch_token, base_url, app_id=app_id, secret=secret, timeout=timeout)
    storage = SharedTokenStorage(SharedToken(session.get_bind(), fetch))
    # auto_retry off: wechatpy would fetch a token of its own and retry without limit.
    client = WeChatClient(app_id, secret, session=storage, timeout=timeout, auto_retry=False)
    client.API_BASE_URL = base_url

    def send(message: OutboxMessage) -> str:
        try:
            return send_once(client, message, timeout)
        except WeChatClientException as error:
            if error.errcode not in STALE_TOKEN:
                raise refusal(error) from None
        storage.delete(client.access_token_key)  # rejected: the next try fetches a new one
        try:
            return send_once(client, message, timeout)
        except WeChatClientException as error:
            raise refusal(error) from None

    return send


def send_once(client: WeChatClient, message: OutboxMessage, timeout: float) -> str:
    """One template message; WeChat's own refusals are left to the caller, which may retry."""
    payload = message.payload or {}
    try:
        answer = client.message.send_template(
            message.recipient, payload["template_id"], payload["data"], url=payload["url"]
        )
    except requests.Timeout:
        raise TemporaryDeliveryError(f"WeChat did not answer in {timeout:g} s") from None
    except requests.RequestException:
        raise TemporaryDeliveryError("could not reach WeChat") from None
    except TokenUnavailable as error:
        raise TemporaryDeliveryError(str(error)) from None
    return message_id(answer)


def fetch_token(base_url: str, *, app_id: str, secret: str, timeout: float) -> tuple[str, int]:
    """A new access token from WeChat (GET token?grant_type=client_credential) and its lifetime.

    Not wechatpy's own fetch: that one calls a fixed address and waits without a timeout.
    """
    try:
        reply = requests.get(
            f"{base_url}token",
            params={"grant_type": "client_credential", "appid": app_id, "secret": secret},
            timeout=timeout,
        )
        reply.raise_for_status()
        answer = reply.json()
    except requests.HTTPError as error:
        status = error.response.status_code
        raise TokenUnavailable(f"WeChat's token service answered HTTP {status}") from None
    except (requests.RequestException, ValueError):
        raise TokenUnavailable("WeChat's token service did not answer") from None
    if not answer.get("access_token"):
        raise TokenUnavailable(
            f"WeChat refused a token: {answer.get('errcode')} {answer.get('errmsg', '')}"
        )
    return str(answer["access_token"]), int(answer.get("expires_in", 7200))


def refusal(error: WeChatClientException) -> Exception:
    """The outbox's kind of failure for WeChat's error code or HTTP status."""
    if error.errcode is None:  # an HTTP error status, no WeChat answer
        status = error.response.status_code if error.response is not None else 0
        if status >= 500 or status == 429:
            return TemporaryDeliveryError(f"WeChat answered HTTP {status}")
        return PermanentDeliveryError(f"WeChat answered HTTP {status}")
    text = f"WeChat {error.errcode}: {KNOWN_REFUSALS.get(error.errcode, error.errmsg)}"
    if error.errcode in TRY_LATER or error.errcode in STALE_TOKEN:
        return TemporaryDeliveryError(text)
    return PermanentDeliveryError(text)


def message_id(answer: Any) -> str:
    """WeChat's msgid for the sent message, which its delivery event names."""
    if not isinstance(answer, dict) or "msgid" not in answer:
        raise TemporaryDeliveryError("WeChat's answer carried no message id")
    return str(answer["msgid"])
