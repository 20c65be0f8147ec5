"""WeChat's calls to the bank's server address: the address check and pushed events.

WeChat signs each call with sha1 over the sorted (token, timestamp, nonce), the token being the
one the bank entered on the official account's developer page (WECHAT_CALLBACK_TOKEN). The
signature does not cover the body, so a call whose timestamp is older than MAX_AGE is refused
as well: an overheard signature cannot be replayed with a forged body later. Only the plaintext
(or compatible) message mode is read.

Events kept: TEMPLATESENDJOBFINISH, WeChat's word on a template message (its MsgID is the
message's provider_ref). Every other valid call, an unsubscribe included, is answered
"success" and nothing stored: opting out is the survey link's, and an openid is not logged.
"""

from __future__ import annotations

import time
from xml.parsers.expat import ExpatError

from flask import Blueprint, Response, abort, current_app, request
from wechatpy import parse_message
from wechatpy.events import TemplateSendJobFinishEvent
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from app.extensions import csrf, db
from app.models import utcnow
from app.services.distribution.receipts import record_receipt

bp = Blueprint("wechat_hooks", __name__)

MAX_AGE_SECONDS = 600
DELIVERED = "success"  # the other statuses: "failed:user block", "failed: system failed"


@bp.get("/hooks/wechat")
@csrf.exempt
def verify() -> Response:
    """The address check when the bank saves this URL on WeChat's side: echo `echostr`."""
    refuse_unsigned()
    return plain(request.args.get("echostr", ""))


@bp.post("/hooks/wechat")
@csrf.exempt
def receive() -> Response:
    """An event pushed by WeChat; answered "success" so WeChat does not push it again."""
    refuse_unsigned()
    try:
        finished = finished_job(request.get_data())
    except (ExpatError, KeyError, TypeError, ValueError):
        abort(400)
    if finished is not None:
        msg_id, status = finished
        record_receipt(
            db.session,
            channel="wechat",
            provider_ref=msg_id,
            delivered=status == DELIVERED,
            detail=f"WeChat: {status}",
            now=utcnow(),
        )
        db.session.commit()
    return plain("success")


def finished_job(body: bytes) -> tuple[str, str] | None:
    """A TEMPLATESENDJOBFINISH event's (MsgID, Status); None for any other message.

    Raises ValueError (or the parser's error) on a body that is not one of WeChat's messages.
    """
    message = parse_message(body)
    if message is None:
        raise ValueError("empty body")
    if not isinstance(message, TemplateSendJobFinishEvent):
        return None
    if not (message.id and message.status):
        raise ValueError("an event without MsgID or Status")
    return str(message.id), str(message.status)


def refuse_unsigned() -> None:
    """403 unless the call carries WeChat's signature, made with our token, and is recent."""
    token = current_app.config.get("WECHAT_CALLBACK_TOKEN")
    signature, timestamp, nonce = (request.args.get(k) for k in ("signature", "timestamp", "nonce"))
    if not (token and signature and timestamp and nonce) or not timestamp.isdigit():
        abort(403)
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        abort(403)
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException:
        abort(403)


def plain(text: str) -> Response:
    return Response(text, mimetype="text/plain")
