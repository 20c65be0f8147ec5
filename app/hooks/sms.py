"""What SMS providers call back: delivery receipts (they update the message) and customers'
replies (the opt-out keyword opts the customer out on every channel).

The bank's own platform POSTs JSON to /hooks/sms/http/receipts and /hooks/sms/http/replies:

    receipts: {"msgid": "<the id its send answer gave>", "status": "delivered" | "undelivered",
               "detail": "<optional, e.g. the operator's code>"}, or an array of them
    replies:  {"mobile": "+8613800138000" (or 13800138000, read as Chinese), "text": "TD"},
              or an array of them

each call signed with `X-Touchloop-Signature: <hex HMAC-SHA256 of the raw body with
SMS_CALLBACK_SECRET>` ("sha256=<hex>" is accepted too), or coming from an address in
SMS_CALLBACK_ALLOWED_IPS. Tencent Cloud SMS POSTs its status callback (an array of
{"sid", "report_status": "SUCCESS" | "FAIL", "errmsg", "description", "mobile", "nationcode",
"user_receive_time"}) to /hooks/sms/cloud/receipts and its reply callback ({"mobile",
"nationcode", "text", "sign", "extend", "time"}) to /hooks/sms/cloud/replies. Tencent signs
neither, so those two accept only callers in SMS_CALLBACK_ALLOWED_IPS (addresses or networks,
e.g. Tencent's published callback ranges; behind a proxy, PROXY_FIX_HOPS makes the address the
caller's). Anything else is refused with 403 and nothing stored.

Every answer is Tencent's shape: {"result": 0, "errmsg": "OK"}, or {"result": 1, "errmsg": why}
with 400 for a body that is not the agreed JSON (nothing stored) and 403 for an unproven caller.
A receipt for an unknown message is taken (result 0) and counted, not stored. Mobiles are never
logged.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
from typing import Any, NamedTuple

import phonenumbers
from flask import Blueprint, Response, current_app, jsonify, request

from app.extensions import csrf, db
from app.models import utcnow
from app.services.distribution.channel_settings import SMS, channel_settings
from app.services.distribution.channels.sms import is_opt_out_reply
from app.services.distribution.opt_out import opt_out_by_mobile
from app.services.distribution.receipts import record_receipt

bp = Blueprint("sms_hooks", __name__, url_prefix="/hooks/sms")
csrf.exempt(bp)  # providers hold no session; each call is proven by signature or address
log = logging.getLogger(__name__)

HTTP_STATUSES = {"delivered": True, "undelivered": False}
CLOUD_STATUSES = {"SUCCESS": True, "FAIL": False}
LONGEST_REF = 100  # OutboxMessage.provider_ref's length


class Receipt(NamedTuple):
    provider_ref: str
    delivered: bool
    detail: str


class Reply(NamedTuple):
    mobile: str  # E.164
    text: str


class CallbackRefused(Exception):
    """A call this hook will not take: `status` 400 (malformed) or 403 (caller not proven)."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


@bp.errorhandler(CallbackRefused)
def _refused(error: CallbackRefused) -> tuple[Response, int]:
    return jsonify(result=1, errmsg=str(error)), error.status


@bp.post("/http/receipts")
def http_receipts() -> Response:
    _require_signature_or_address()
    return _record([http_receipt(item) for item in _items(request.get_data())])


@bp.post("/http/replies")
def http_replies() -> Response:
    _require_signature_or_address()
    return _take_replies([http_reply(item) for item in _items(request.get_data())])


@bp.post("/cloud/receipts")
def cloud_receipts() -> Response:
    _require_address()
    return _record([cloud_receipt(item) for item in _items(request.get_data())])


@bp.post("/cloud/replies")
def cloud_replies() -> Response:
    _require_address()
    return _take_replies([cloud_reply(item) for item in _items(request.get_data())])


def _record(receipts: list[Receipt]) -> Response:
    now = utcnow()
    matched = sum(
        record_receipt(db.session, channel=SMS, now=now, **receipt._asdict())
        for receipt in receipts
    )
    db.session.commit()
    log.info("SMS receipts: %d matched, %d unknown", matched, len(receipts) - matched)
    return jsonify(result=0, errmsg="OK")


def _take_replies(replies: list[Reply]) -> Response:
    keyword = channel_settings(db.session).sms_opt_out_keyword
    now = utcnow()
    stopped = sum(
        opt_out_by_mobile(db.session, reply.mobile, now=now)
        for reply in replies
        if is_opt_out_reply(reply.text, keyword)
    )
    db.session.commit()
    log.info("SMS replies: %d taken, %d customers opted out", len(replies), stopped)
    return jsonify(result=0, errmsg="OK")


def http_receipt(item: dict[str, Any]) -> Receipt:
    """One receipt of the bank's platform."""
    status = item.get("status")
    if status not in HTTP_STATUSES:
        raise CallbackRefused(400, 'status must be "delivered" or "undelivered"')
    return Receipt(_ref(item.get("msgid"), "msgid"), HTTP_STATUSES[status], _text(item, "detail"))


def http_reply(item: dict[str, Any]) -> Reply:
    """One reply through the bank's platform."""
    return Reply(_e164(item.get("mobile")), _text(item, "text"))


def cloud_receipt(item: dict[str, Any]) -> Receipt:
    """One entry of Tencent's status callback; `sid` is the SerialNo SendSms answered."""
    status = item.get("report_status")
    if status not in CLOUD_STATUSES:
        raise CallbackRefused(400, 'report_status must be "SUCCESS" or "FAIL"')
    detail = f"{_text(item, 'errmsg')} {_text(item, 'description')}".strip()
    return Receipt(_ref(item.get("sid"), "sid"), CLOUD_STATUSES[status], detail)


def cloud_reply(item: dict[str, Any]) -> Reply:
    """Tencent's reply callback: the number comes as its country code and national number."""
    nationcode, mobile = _text(item, "nationcode") or "86", _text(item, "mobile")
    return Reply(_e164(f"+{nationcode}{mobile}"), _text(item, "text"))


def _items(body: bytes) -> list[dict[str, Any]]:
    """The body's objects: one JSON object, or an array of them."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or nested too deep
        raise CallbackRefused(400, "the body is not JSON") from error
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items or not all(isinstance(item, dict) for item in items):
        raise CallbackRefused(400, "the body must be an object or an array of objects")
    return items


def _ref(value: Any, name: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise CallbackRefused(400, f"{name} is missing")
    if len(str(value)) > LONGEST_REF:
        raise CallbackRefused(400, f"{name} is longer than {LONGEST_REF} characters")
    return str(value).strip()


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name, "")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise CallbackRefused(400, f"{name} must be text")
    return str(value).strip()


def _e164(raw: Any) -> str:
    """A mobile as E.164; a number without a country code is read as Chinese."""
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise CallbackRefused(400, "mobile is missing")
    try:
        number = phonenumbers.parse(str(raw), "CN")
    except phonenumbers.NumberParseException as error:
        raise CallbackRefused(400, "mobile is not a phone number") from error
    if not phonenumbers.is_possible_number(number):
        raise CallbackRefused(400, "mobile is not a phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _require_signature_or_address() -> None:
    secret = current_app.config.get("SMS_CALLBACK_SECRET")
    if secret and _signed(secret, request.get_data(), request.headers.get("X-Touchloop-Signature")):
        return
    _require_address()


def _signed(secret: str, body: bytes, header: str | None) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = (header or "").strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(expected.encode(), given.encode(errors="replace"))


def _require_address() -> None:
    allowed = current_app.config.get("SMS_CALLBACK_ALLOWED_IPS") or []
    if not _address_allowed(request.remote_addr, allowed):
        raise CallbackRefused(403, "unproven caller: sign the body or call from a listed address")


def _address_allowed(address: str | None, allowed: list[str]) -> bool:
    """Whether `address` is one of the listed addresses or inside one of the listed networks."""
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    for entry in allowed:
        try:
            if caller in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a mistyped entry allows no one
    return False
