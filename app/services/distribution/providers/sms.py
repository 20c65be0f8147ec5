"""Which SMS client carries the bank's messages: its own HTTP platform or Tencent Cloud SMS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.models import ChannelSettings, OutboxMessage
from app.services.distribution.outbox import PermanentDeliveryError, Sender
from app.services.distribution.providers.sms_cloud import CloudAccount, cloud_sender
from app.services.distribution.providers.sms_http import HttpPlatform, http_sender


def sms_sender(settings: ChannelSettings, config: Mapping[str, Any]) -> Sender:
    """The sender for settings.sms_provider, with the secrets from `config` (the environment).

    With SMS switched off since the messages were queued, each one fails for good, so its
    invitation goes by its next channel instead of waiting.
    """
    timeout = float(config.get("PROVIDER_TIMEOUT_SECONDS", 10))
    if settings.sms_provider == "http":
        return http_sender(
            HttpPlatform(
                url=settings.sms_http_url,
                method=(settings.sms_http_method or "POST").upper(),
                body=settings.sms_http_body or "",
                token=config.get("SMS_HTTP_TOKEN"),
                timeout=timeout,
            )
        )
    if settings.sms_provider == "cloud":
        return cloud_sender(
            CloudAccount(
                secret_id=config.get("TENCENTCLOUD_SECRET_ID") or "",
                secret_key=config.get("TENCENTCLOUD_SECRET_KEY") or "",
                app_id=settings.sms_cloud_app_id,
                signature=settings.sms_signature,
                templates={
                    "zh": settings.sms_cloud_template_zh,
                    "en": settings.sms_cloud_template_en,
                },
                region=settings.sms_cloud_region or "ap-guangzhou",
                endpoint_url=config.get("SMS_CLOUD_URL"),
                timeout=timeout,
            )
        )
    return _switched_off


def _switched_off(message: OutboxMessage) -> str:
    raise PermanentDeliveryError("SMS is switched off in the channel settings")
