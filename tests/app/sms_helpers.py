"""Shared by the SMS tests: a queued SMS invitation and the channel settings of each provider."""

from __future__ import annotations

from datetime import datetime

from app.models import ChannelSettings, OutboxMessage
from app.services.distribution.outbox import DeliveryReport, Sender, deliver_one, enqueue_message
from tests.factories import InvitationFactory

MOBILE = "+8613800138000"
TEXT = "【翠港银行】网点到访体验如何？1分钟问卷：https://bank.example/r/Ab3dE5g 回TD退订"


def queue_sms(session, now: datetime, *, language: str = "zh", text: str = TEXT) -> OutboxMessage:
    """An SMS invitation waiting in the outbox, its invitation sent by SMS."""
    invitation = InvitationFactory(channel="sms", channels_tried=["sms"])
    message = enqueue_message(
        session,
        channel="sms",
        kind="invitation",
        subject_key=f"invitation:{invitation.id}",
        recipient=MOBILE,
        body_text=text,
        now=now,
        payload={"language": language, "template_params": ["网点到访", "r/Ab3dE5g"]},
        invitation_id=invitation.id,
    )
    session.commit()
    return message


def deliver(session, message: OutboxMessage, send: Sender, now: datetime) -> DeliveryReport:
    report = DeliveryReport()
    deliver_one(session, message.id, send, now=now, report=report)
    session.commit()
    session.refresh(message)
    return report


def http_settings(url: str, **fields) -> ChannelSettings:
    values = {"sms_provider": "http", "sms_http_method": "POST", "sms_http_body": "", **fields}
    return ChannelSettings(sms_http_url=url, **values)


def cloud_settings(**fields) -> ChannelSettings:
    values = {
        "sms_provider": "cloud",
        "sms_signature": "【翠港银行】",
        "sms_cloud_app_id": "1400006666",
        "sms_cloud_template_zh": "449739",
        "sms_cloud_template_en": "449740",
        "sms_cloud_region": "ap-guangzhou",
        **fields,
    }
    return ChannelSettings(**values)
