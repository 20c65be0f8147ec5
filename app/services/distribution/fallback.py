"""The next channel for an invitation whose message did not arrive.

An invitation's message is due a delivery receipt (`Invitation.delivery_due_at`): an SMS or
WeChat message by the bank's receipt wait, any message at once when the provider refused it
for good. When that time passes with no receipt, the message still waiting in the outbox is
cancelled and the touchpoint's next channel that reaches the customer carries a fresh link.
It is the same invitation, so the contact rules, which count invitations, are not asked again:
the customer is asked once, by whichever channel arrives.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Invitation, InvitationStatus, OutboxMessage, OutboxStatus
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.distribution.channel_settings import EMAIL, channel_settings, message_channels
from app.services.distribution.invitations import (
    WITH_CUSTOMER_AND_TOUCHPOINT,
    Links,
    addresses,
    queue_message,
)
from workflows.channel_choice import choose_channel


def claim_undelivered(
    session: Session, *, now: datetime, limit: int = 100, lease: timedelta = DEFAULT_LEASE
) -> list[int]:
    """Lease the sent invitations whose message is past its delivery receipt's time."""
    return claim_due(
        session,
        Invitation,
        Invitation.delivery_due_at <= now,
        Invitation.status == InvitationStatus.SENT,
        now=now,
        limit=limit,
        lease=lease,
    )


def fall_back(session: Session, invitation_id: int, *, links: Links, now: datetime) -> str | None:
    """Send the invitation by its next channel; that channel, or None when none is left."""
    invitation = session.get(Invitation, invitation_id, options=WITH_CUSTOMER_AND_TOUCHPOINT)
    due = invitation.delivery_due_at if invitation is not None else None
    if invitation is None or invitation.status != InvitationStatus.SENT or due is None or due > now:
        return None
    invitation.claimed_until = None
    invitation.delivery_due_at = None
    session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.invitation_id == invitation.id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    failed = invitation.channel or EMAIL
    tried = [*invitation.channels_tried, failed]
    invitation.channels_tried = tried
    if invitation.customer.opted_out_at is not None:
        invitation.reason = "reminders stopped: customer opted out"
        return None
    choice = choose_channel(
        invitation.touchpoint.channels,
        addresses(invitation.customer),
        ready=message_channels(channel_settings(session), links.providers),
        tried=tried,
    )
    if choice.channel is None:
        invitation.reason = f"no channel delivered (tried {', '.join(tried)})"
        invitation.next_reminder_at = None
        return None
    invitation.channel = choice.channel
    invitation.reason = f"{failed} not delivered"
    kind = "followup" if invitation.case_id else "invitation"
    queue_message(
        session, invitation, kind, f"invitation:{invitation.id}:{choice.channel}", links, now
    )
    session.flush()
    return choice.channel
