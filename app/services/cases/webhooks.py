"""Calling the bank's CRM when a case opens or closes: JSON, signed with HMAC, retried.

The signature is HMAC-SHA256 over "<timestamp>.<body>" with the shared secret, sent as
`X-Touchloop-Signature: sha256=<hex>` beside `X-Touchloop-Timestamp`, so the receiver can refuse
forged and replayed calls. 4xx answers (except 408 and 429) are permanent; the rest are retried
by the outbox with back-off.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request

from app.models import OutboxMessage
from app.services.distribution.outbox import PermanentDeliveryError, Sender

RETRYABLE_4XX = {408, 429}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def webhook_sender(secret: str, timeout: float = 10) -> Sender:
    """A sender for the outbox: POST the message body to its recipient URL."""

    def send(message: OutboxMessage) -> None:
        body = message.body_text.encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            message.recipient,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Touchloop-Event": message.subject_key,
                "X-Touchloop-Timestamp": timestamp,
                "X-Touchloop-Signature": signature(secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return
        except urllib.error.HTTPError as error:
            error.close()
            if 400 <= error.code < 500 and error.code not in RETRYABLE_4XX:
                raise PermanentDeliveryError(f"{error.code} {error.reason}") from error
            raise OSError(f"{error.code} {error.reason}") from error

    return send
