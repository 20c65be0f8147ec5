"""Tencent Cloud SMS, through its official SDK (tencentcloud-sdk-python-sms, API 2021-01-11).

One SendSms call per message: the bank's approved template for the customer's language, its
parameters (channels.sms.cloud_template_params, kept on the message's payload), the approved
signature (ChannelSettings.sms_signature without its 【】) and the SMS app. The credential is
TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY from the environment; SMS_CLOUD_URL points the
SDK at another address (a test's fake on loopback).

The answer's SendStatusSet[0].Code decides: "Ok" gives the SerialNo, which the status callback
names as `sid`. Rate limits (LimitExceeded.*), Tencent's own errors (InternalError.*) and
network trouble are tried again; everything else (a wrong number, an unapproved template or
signature, a number on the blacklist) is final and the invitation goes by its next channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from tencentcloud.common.abstract_client import LOGGER_NAME
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from app.models import OutboxMessage
from app.services.distribution.outbox import (
    PermanentDeliveryError,
    Sender,
    TemporaryDeliveryError,
)

# The SDK logs each request and answer, numbers included, at DEBUG: never let it, whatever
# level the operator sets.
logging.getLogger(LOGGER_NAME).setLevel(logging.WARNING)

OK = "Ok"
# Codes (of a request or of one number) that trying again later can cure.
TEMPORARY_PREFIXES = (
    "LimitExceeded.",
    "InternalError",
    "RequestLimitExceeded",
    "ClientNetworkError",
    "ServerNetworkError",
)


@dataclass(frozen=True)
class CloudAccount:
    """The bank's Tencent Cloud SMS app: plain values, read once per delivery run."""

    secret_id: str
    secret_key: str
    app_id: str
    signature: str
    templates: dict[str, str]  # language -> approved template id
    region: str = "ap-guangzhou"
    endpoint_url: str | None = None
    timeout: float = 10


def cloud_sender(account: CloudAccount) -> Sender:
    """A sender for the outbox: one SendSms call per message."""
    client = SmsClient(
        Credential(account.secret_id, account.secret_key), account.region, _profile(account)
    )

    def send(message: OutboxMessage) -> str:
        request = _send_request(account, message)
        try:
            answer = client.SendSms(request)
        except TencentCloudSDKException as error:
            raise _delivery_error(error.get_code() or "", error.get_message() or "") from error
        status = (answer.SendStatusSet or [None])[0]
        if status is None:
            raise TemporaryDeliveryError("Tencent Cloud SMS answered without a status")
        if status.Code == OK and status.SerialNo:
            return str(status.SerialNo)
        raise _delivery_error(status.Code or "", status.Message or "")

    return send


def _profile(account: CloudAccount) -> ClientProfile:
    """Tencent's own address, or SMS_CLOUD_URL's scheme and host (http for a loopback fake)."""
    where = urlsplit(account.endpoint_url or "")
    http = HttpProfile(
        protocol=where.scheme or None, endpoint=where.netloc or None, reqTimeout=account.timeout
    )
    return ClientProfile(httpProfile=http)


def _send_request(account: CloudAccount, message: OutboxMessage) -> SendSmsRequest:
    payload = message.payload or {}
    template = account.templates.get(payload.get("language", "zh"), "")
    params = payload.get("template_params")
    if not template or not isinstance(params, list):
        raise PermanentDeliveryError("no approved Tencent Cloud template for this message")
    request = SendSmsRequest()
    request.SmsSdkAppId = account.app_id
    request.SignName = account.signature.strip().removeprefix("【").removesuffix("】")
    request.TemplateId = template
    request.TemplateParamSet = [str(param) for param in params]
    request.PhoneNumberSet = [message.recipient]
    request.SessionContext = message.subject_key
    return request


def _delivery_error(code: str, detail: str) -> Exception:
    """Tencent's code as the outbox's kind of failure; the number itself is never included."""
    text = f"Tencent Cloud SMS {code}: {detail}"[:500]
    if code.startswith(TEMPORARY_PREFIXES):
        return TemporaryDeliveryError(text)
    return PermanentDeliveryError(text)
