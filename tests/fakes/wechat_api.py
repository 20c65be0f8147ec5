"""A fake WeChat official-account API on loopback, and WeChat's signed callbacks.

It speaks the real formats: `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=`
answers `{"access_token": ..., "expires_in": 7200}` or `{"errcode": 40125, ...}`;
`POST /cgi-bin/message/template/send?access_token=` takes `{"touser", "template_id", "url",
"data"}` and answers `{"errcode": 0, "errmsg": "ok", "msgid": ...}` or WeChat's error codes
(40001 for a token it did not issue or revoked, 40003 for an openid it does not know, 43004
for one that unfollowed the account, 40037 for an unknown template). A test scripts the next
answers (`then`) to make it refuse, stall or fail with an HTTP status. Callbacks are the XML
WeChat pushes, signed as WeChat signs them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import free_port

APP_ID, APP_SECRET, TEMPLATE_ID = "wx5f1c0a9e2b7d4c31", "fake-app-secret", "tmpl-service-survey"
FOLLOWER = "oWx3s5Ek2hHq7o0AbCdEfGhIjKlM"


@dataclass(frozen=True)
class Refuse:
    """Answer the next send with WeChat's error code."""

    errcode: int
    errmsg: str = "refused"


@dataclass(frozen=True)
class HttpStatus:
    """Answer the next send with an HTTP error status and no JSON."""

    status: int


@dataclass(frozen=True)
class Stall:
    """Answer the next send only after this long (longer than the client waits)."""

    seconds: float


@dataclass
class FakeWeChat:
    url: str = ""  # the API base, http://127.0.0.1:<port>/cgi-bin/
    followers: set[str] = field(default_factory=lambda: {FOLLOWER})
    unfollowed: set[str] = field(default_factory=set)
    token_delay: float = 0.0  # seconds the token service takes (to overlap two workers)
    token_lifetime: int = 7200
    tokens_issued: list[str] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(default_factory=list)
    send_calls: int = 0
    script: list[Refuse | HttpStatus | Stall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _msgids: Iterator[int] = field(default_factory=lambda: itertools.count(2_002_283_320))

    def then(self, *answers: Refuse | HttpStatus | Stall) -> None:
        self.script.extend(answers)

    def revoke_tokens(self) -> None:
        """As when another system fetched a token for the account: ours stop working."""
        self.valid_tokens.clear()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/cgi-bin/token" and request.method == "GET":
            response = self._token(request)
        elif request.path == "/cgi-bin/message/template/send" and request.method == "POST":
            response = self._send(request)
        else:
            response = _json({"errcode": 404, "errmsg": "not found"}, status=404)
        return response(environ, start_response)

    def _token(self, request: Request) -> Response:
        args = request.args
        if args.get("grant_type") != "client_credential":
            return _json({"errcode": 40002, "errmsg": "invalid grant_type"})
        if args.get("appid") != APP_ID:
            return _json({"errcode": 40013, "errmsg": "invalid appid"})
        if args.get("secret") != APP_SECRET:
            return _json({"errcode": 40125, "errmsg": "invalid appsecret"})
        time.sleep(self.token_delay)
        with self._lock:
            token = f"ACCESS_TOKEN_{len(self.tokens_issued) + 1}"
            self.tokens_issued.append(token)
            self.valid_tokens.add(token)
        return _json({"access_token": token, "expires_in": self.token_lifetime})

    def _send(self, request: Request) -> Response:
        with self._lock:
            self.send_calls += 1
            if request.args.get("access_token") not in self.valid_tokens:
                return _json(
                    {
                        "errcode": 40001,
                        "errmsg": "invalid credential, access_token is invalid or not latest",
                    }
                )
            scripted = self.script.pop(0) if self.script else None
        if isinstance(scripted, Stall):
            time.sleep(scripted.seconds)
        elif isinstance(scripted, HttpStatus):
            return Response("<html>Bad Gateway</html>", status=scripted.status)
        elif isinstance(scripted, Refuse):
            return _json({"errcode": scripted.errcode, "errmsg": scripted.errmsg})
        body = json.loads(request.get_data())
        if body.get("template_id") != TEMPLATE_ID:
            return _json({"errcode": 40037, "errmsg": "invalid template_id"})
        if body.get("touser") in self.unfollowed:
            return _json({"errcode": 43004, "errmsg": "require subscribe"})
        if body.get("touser") not in self.followers:
            return _json({"errcode": 40003, "errmsg": "invalid openid"})
        with self._lock:
            msgid = next(self._msgids)
            self.sent.append({**body, "msgid": msgid})
        return _json({"errcode": 0, "errmsg": "ok", "msgid": msgid})


def _json(answer: dict[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(answer), status=status, content_type="application/json; encoding=utf-8"
    )


@contextmanager
def running_fake_wechat() -> Iterator[FakeWeChat]:
    """The fake served over real HTTP on loopback, in a thread, for one test."""
    fake = FakeWeChat()
    port = free_port()
    server = make_server("127.0.0.1", port, fake, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{port}/cgi-bin/"
    try:
        yield fake
    finally:
        server.shutdown()
        thread.join(timeout=5)


def signed_query(token: str, *, timestamp: int | None = None, nonce: str = "1405928671") -> dict:
    """The query WeChat adds to each call: signature = sha1 of sorted (token, timestamp, nonce)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = hashlib.sha1("".join(sorted([token, stamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": stamp, "nonce": nonce}


def job_finished(msg_id: str | int, status: str, openid: str = FOLLOWER) -> bytes:
    """WeChat's TEMPLATESENDJOBFINISH push; status "success", "failed:user block" or
    "failed: system failed"."""
    return _event(openid, "TEMPLATESENDJOBFINISH", f"<MsgID>{msg_id}</MsgID>"
                  f"<Status><![CDATA[{status}]]></Status>")  # fmt: skip


def unsubscribed(openid: str = FOLLOWER) -> bytes:
    """WeChat's push when a customer unfollows the official account."""
    return _event(openid, "unsubscribe", "<EventKey><![CDATA[]]></EventKey>")


def _event(openid: str, event: str, fields: str) -> bytes:
    return (
        "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{fields}</xml>"
    ).encode()
