"""Reach by channel: the invitations each channel carried, what the providers' receipts said of
their messages, and how many were answered; and the anonymous answers through branch QR codes.

Invitations are the period's cohort as the response rate counts them (touchpoint invitations
sent in the period), each under the channel that carried it last. Deliveries are counted per
message channel over the same invitations, so an SMS that was not delivered and fell back to
e-mail counts as undelivered under SMS while its invitation counts under e-mail. Only SMS and
WeChat have receipts: e-mail's and links' delivered figure is None (shown as a dash), never 0.
QR answers have no invitation: only their number in the period is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    INVITATION_CHANNELS,
    DeliveryStatus,
    Invitation,
    InvitationStatus,
    OutboxMessage,
    OutboxStatus,
    Response,
)
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import rate
from app.services.reports.scores import kept_invitations

QR = "qr"
WITH_RECEIPTS = frozenset({"sms", "wechat"})
MESSAGE_CHANNELS = frozenset({"email", "sms", "wechat"})


@dataclass(frozen=True)
class ChannelReach:
    """One channel's figures; None where the channel cannot have the figure."""

    channel: str  # one of INVITATION_CHANNELS, or "qr"
    invitations: int | None  # None for QR answers, which have no invitation
    delivered: int | None  # invitations whose message a receipt confirmed delivered
    failed: int | None  # invitations whose message failed or was reported undelivered
    responses: int
    response_rate: float | None


def channel_reach(session: Session, wanted: ReportFilter) -> list[ChannelReach]:
    """One row per channel that carried an invitation (or a message) in the period, in the
    channels' order, then the QR codes' anonymous answers if there were any."""
    channel = sa.func.coalesce(Invitation.channel, "email")  # sent before channels existed
    cohort = _cohort(wanted)
    sent = {
        row.channel: row
        for row in session.execute(
            sa.select(
                channel.label("channel"),
                sa.func.count().label("sent"),
                sa.func.count()
                .filter(Invitation.status == InvitationStatus.ANSWERED)
                .label("answered"),
            )
            .where(Invitation.id.in_(cohort))
            .group_by(channel)
        )
    }
    invitation = sa.distinct(OutboxMessage.invitation_id)
    messages = {
        row.channel: row
        for row in session.execute(
            sa.select(
                OutboxMessage.channel,
                sa.func.count(invitation)
                .filter(OutboxMessage.delivery_status == DeliveryStatus.DELIVERED)
                .label("delivered"),
                sa.func.count(invitation)
                .filter(
                    sa.or_(
                        OutboxMessage.status == OutboxStatus.FAILED,
                        OutboxMessage.delivery_status == DeliveryStatus.UNDELIVERED,
                    )
                )
                .label("failed"),
            )
            .where(OutboxMessage.invitation_id.in_(cohort))
            .group_by(OutboxMessage.channel)
        )
    }
    rows = [
        _invited_row(name, sent.get(name), messages.get(name))
        for name in INVITATION_CHANNELS
        if name in sent or name in messages
    ]
    anonymous = session.scalar(
        sa.select(sa.func.count()).where(
            *wanted.responses(), Response.invitation_id.is_(None), Response.channel == QR
        )
    )
    if anonymous:
        rows.append(ChannelReach(QR, None, None, None, anonymous, None))
    return rows


def _invited_row(channel: str, sent: sa.Row | None, messages: sa.Row | None) -> ChannelReach:
    invitations, answered = (sent.sent, sent.answered) if sent else (0, 0)
    delivered, failed = (messages.delivered, messages.failed) if messages else (0, 0)
    return ChannelReach(
        channel=channel,
        invitations=invitations,
        delivered=delivered if channel in WITH_RECEIPTS else None,
        failed=failed if channel in MESSAGE_CHANNELS else None,
        responses=answered,
        response_rate=rate(answered, invitations),
    )


def _cohort(wanted: ReportFilter) -> sa.Select[tuple[int]]:
    """The ids of the touchpoint invitations sent in the period that the filter keeps."""
    return kept_invitations(sa.select(Invitation.id), wanted)
