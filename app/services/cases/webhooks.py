"""Calling the bank's systems: JSON, signed with HMAC, retried, every answer kept.

Every call is a `POST` of a JSON body with these headers:

    X-Touchloop-Event: case_event:12
    X-Touchloop-Timestamp: 1767225600
    X-Touchloop-Signature: sha256=<hex>

`X-Touchloop-Event` is the event's id (`case_event:<n>`, `response:<n>`, `test:<hex>`), the same
for every endpoint that hears of it, so a receiver can drop a repeat. The signature is
HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>", so the receiver can refuse
forged calls and, by the timestamp, replayed ones.

While a rotated secret's overlap lasts, the header lists two signatures, the new secret's first,
separated by a comma and a space:

    X-Touchloop-Signature: sha256=<hex with the new secret>, sha256=<hex with the previous one>

A receiver splits the header on commas and accepts the call when any one of them matches its
secret (compared in constant time): whichever secret it holds during the overlap, no call is
refused, and it can switch at any moment. After the overlap only the new secret signs. The
endpoint's secrets and URL are read when the call is sent, so a rotation or a corrected address
applies to calls already queued.

4xx answers (except 408 and 429) are permanent; the rest are retried by the outbox with
back-off. Each attempt's answer (status and the body's start, or why there was none) is kept on
the message for the admin's delivery list. A call for an endpoint deactivated since it was
queued is not sent.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import OutboxMessage, WebhookEndpoint
from app.services.distribution.outbox import PermanentDeliveryError, Sender

RETRYABLE_4XX = {408, 429}
ANSWER_CHARS = 200
# Enough bytes for ANSWER_CHARS characters of UTF-8; the rest of a long answer is not read.
ANSWER_BYTES = 4 * ANSWER_CHARS
ANSWER_LIMIT = 500  # OutboxMessage.answer's length


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The endpoint's secret, and the previous one while its overlap lasts."""
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > now:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


def webhook_sender(
    session: Session,
    *,
    now: datetime,
    environment_url: str | None,
    environment_secret: str,
    timeout: float = 10,
) -> Sender:
    """A sender for the outbox: POST the message body to its endpoint, signed as it is now.

    A message without an endpoint goes to the URL set in the environment (WEBHOOK_URL), signed
    with `environment_secret`.
    """

    def send(message: OutboxMessage) -> None:
        url, secrets = _where_and_how(session, message, now, environment_url, environment_secret)
        message.recipient = url
        body = message.body_text.encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Touchloop-Event": message.subject_key.split("@")[0],
                "X-Touchloop-Timestamp": timestamp,
                "X-Touchloop-Signature": ", ".join(
                    signature(secret, timestamp, body) for secret in secrets
                ),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                message.answer = _answer(reply.status, reply.reason, reply.read(ANSWER_BYTES))
        except urllib.error.HTTPError as error:
            message.answer = _answer(error.code, error.reason, error.read(ANSWER_BYTES))
            error.close()
            if 400 <= error.code < 500 and error.code not in RETRYABLE_4XX:
                raise PermanentDeliveryError(f"{error.code} {error.reason}") from error
            raise OSError(f"{error.code} {error.reason}") from error
        except OSError as error:  # refused, unreachable, timed out, reset: no answer at all
            message.answer = f"no answer: {error}"[:ANSWER_LIMIT]
            raise
        except ValueError as error:  # an address urllib cannot call (a WEBHOOK_URL typo)
            message.answer = f"not sent: {error}"[:ANSWER_LIMIT]
            raise PermanentDeliveryError(message.answer) from error

    return send


def _where_and_how(
    session: Session,
    message: OutboxMessage,
    now: datetime,
    environment_url: str | None,
    environment_secret: str,
) -> tuple[str, list[str]]:
    """The URL to call and the secrets to sign with, or why the call is not sent at all."""
    if message.endpoint_id is None:
        if environment_url is None:
            raise PermanentDeliveryError("not sent: WEBHOOK_URL is no longer set")
        return environment_url, [environment_secret]
    endpoint = session.get(WebhookEndpoint, message.endpoint_id)
    if endpoint is None or not endpoint.active:
        raise PermanentDeliveryError("not sent: the endpoint is deactivated")
    return endpoint.url, signing_secrets(endpoint, now)


def _answer(status: int, reason: str, body: bytes) -> str:
    """ "200 OK: <the body's first 200 characters>", as the admin's delivery list shows it."""
    text = " ".join(body.decode("utf-8", "replace").split())[:ANSWER_CHARS]
    return f"{status} {reason}: {text}"[:ANSWER_LIMIT] if text else f"{status} {reason}"
