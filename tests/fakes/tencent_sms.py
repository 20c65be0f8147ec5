"""Tencent Cloud SMS (API 2021-01-11) on loopback: SendSms with its TC3-HMAC-SHA256 signature
checked as Tencent checks it, its answers and errors, and its two callbacks' bodies."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.fakes.loopback import serving

SECRET_ID, SECRET_KEY = "AKIDfake", "fake-secret-key"
AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>[\d-]+)/(?P<service>\w+)/tc3_request, "
    r"SignedHeaders=(?P<signed>[\w;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)


@dataclass
class TencentSms:
    """What SendSms received, and how it answers: per number (`code`) or for the whole call."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    code: str = "Ok"  # e.g. InvalidParameterValue.IncorrectPhoneNumber
    error: str | None = None  # a request-level error, e.g. RequestLimitExceeded
    status: int = 200
    delay: float = 0.0

    def handle(self, request: Request) -> Response:
        time.sleep(self.delay)
        if self.status != 200:
            return Response("upstream failure", self.status)
        action = (request.headers.get("X-TC-Action"), request.headers.get("X-TC-Version"))
        if action != ("SendSms", "2021-01-11"):
            return _answer({"Error": {"Code": "InvalidAction", "Message": str(action)}})
        if not signed(request):
            return _answer({"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}})
        body = json.loads(request.get_data())
        self.received.append(body)
        if self.error:
            return _answer({"Error": {"Code": self.error, "Message": "refused"}})
        return _answer({"SendStatusSet": [self._status(phone) for phone in body["PhoneNumberSet"]]})

    def _status(self, phone: str) -> dict[str, Any]:
        serial = f"2433:{uuid.uuid4().int % 10**28:028d}" if self.code == "Ok" else ""
        return {
            "SerialNo": serial,
            "PhoneNumber": phone,
            "Fee": 1 if self.code == "Ok" else 0,
            "SessionContext": "",
            "Code": self.code,
            "Message": "send success" if self.code == "Ok" else "refused",
            "IsoCode": "CN",
        }


def signed(request: Request) -> bool:
    """Whether the call carries a valid TC3-HMAC-SHA256 signature of SECRET_ID's key."""
    found = AUTHORIZATION.fullmatch(request.headers.get("Authorization", ""))
    if found is None or found["id"] != SECRET_ID:
        return False
    headers = "".join(
        f"{name}:{request.headers.get(name, '')}\n" for name in found["signed"].split(";")
    )
    canonical = "\n".join(
        [
            request.method,
            request.path,
            request.query_string.decode(),
            headers,
            found["signed"],
            hashlib.sha256(request.get_data()).hexdigest(),
        ]
    )
    scope = f"{found['date']}/{found['service']}/tc3_request"
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            request.headers.get("X-TC-Timestamp", ""),
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = ("TC3" + SECRET_KEY).encode()
    for part in (found["date"], found["service"], "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, found["signature"])


def _answer(response: dict[str, Any]) -> Response:
    body = {"Response": {**response, "RequestId": str(uuid.uuid4())}}
    return Response(json.dumps(body), 200, content_type="application/json")


def status_callback(sid: str, *, delivered: bool, mobile: str = "13800138000") -> list[dict]:
    """The body of Tencent's delivery status callback for one message."""
    return [
        {
            "user_receive_time": "2026-03-02 10:03:04",
            "nationcode": "86",
            "mobile": mobile,
            "report_status": "SUCCESS" if delivered else "FAIL",
            "errmsg": "DELIVRD" if delivered else "MK:0005",
            "description": "用户短信送达成功" if delivered else "用户短信接收失败",
            "sid": sid,
        }
    ]


def reply_callback(text: str, *, mobile: str = "13800138000") -> dict[str, Any]:
    """The body of Tencent's reply callback: what a customer texted back."""
    return {
        "extend": "",
        "mobile": mobile,
        "nationcode": "86",
        "sign": "翠港银行",
        "text": text,
        "time": 1772416984,
    }


@contextmanager
def tencent_sms() -> Iterator[TencentSms]:
    fake = TencentSms()
    with serving(fake.handle) as url:
        fake.url = url
        yield fake
