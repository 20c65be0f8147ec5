"""A bank's own SMS platform as Touchloop's docs define its contract (providers/sms_http.py):
bearer token, the admin's body template, and {"code": 0, "msgid": "..."} for a message taken."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.fakes.loopback import serving

TOKEN = "platform-token"


@dataclass
class SmsPlatform:
    """What the platform received, and how it answers the next calls."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    code: int = 0  # 1001: not a valid number; 2001: busy
    delay: float = 0.0  # seconds to wait before answering

    def handle(self, request: Request) -> Response:
        time.sleep(self.delay)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _json({"code": 401, "msg": "unauthorised"}, 401)
        self.received.append(
            {
                "method": request.method,
                "content_type": request.mimetype,
                "fields": _fields(request),
            }
        )
        if self.status != 200:
            return _json({"code": self.status, "msg": "refused"}, self.status)
        if self.code:
            return _json({"code": self.code, "msg": "not sent"}, 200)
        return _json({"code": 0, "msgid": f"plat-{len(self.received)}"}, 200)


def _fields(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        return request.args.to_dict()
    if request.mimetype == "application/json":
        return json.loads(request.get_data())
    return request.form.to_dict()


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(body), status, mimetype="application/json")


@contextmanager
def sms_platform() -> Iterator[SmsPlatform]:
    platform = SmsPlatform()
    with serving(platform.handle) as url:
        platform.url = f"{url}/sms/send"
        yield platform
