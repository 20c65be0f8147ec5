"""Delivery receipts: what an SMS or WeChat provider later says became of a message.

A message that reached the phone stops its invitation's fallback; one the provider could not
deliver makes the invitation's next channel due at once (distribution.fallback). Reports come
late, twice or out of order: once a message is known delivered, nothing changes it back.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import DeliveryStatus, OutboxMessage
from app.services.distribution.outbox import undelivered


def record_receipt(
    session: Session,
    *,
    channel: str,
    provider_ref: str,
    delivered: bool,
    detail: str = "",
    now: datetime,
) -> bool:
    """Apply one delivery report to the message the provider knows as `provider_ref`.

    False when no message of the channel has that id (a report for another system, or forged).
    """
    message = session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.provider_ref == provider_ref)
        .with_for_update()
    )
    if message is None:
        return False
    if message.delivery_status == DeliveryStatus.DELIVERED:
        return True
    invitation = message.invitation
    current = invitation is not None and invitation.channel == message.channel
    if delivered:
        message.delivery_status, message.delivered_at = DeliveryStatus.DELIVERED, now
        if current:
            invitation.delivery_due_at = None
    else:
        message.delivery_status = DeliveryStatus.UNDELIVERED
        message.last_error = detail[:2000]
        if current:
            undelivered(invitation, now)
    session.flush()
    return True
