"""Messages waiting to leave: written in the business transaction, sent by the delivery job."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, IdMixin

if TYPE_CHECKING:
    from app.models.survey import Invitation


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # not sent: the invitation went by another channel first


class DeliveryStatus(enum.StrEnum):
    """What the provider's receipt said after the message left (SMS, WeChat)."""

    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"


class OutboxMessage(IdMixin, CreatedMixin, Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.UniqueConstraint("kind", "subject_key"),
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_key: Mapped[str] = mapped_column(sa.String(80))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    headers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    # Webhook calls: the endpoint called, and its last answer (status and the body's start).
    endpoint_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("webhook_endpoint.id"), index=True
    )
    answer: Mapped[str] = mapped_column(sa.String(500), default="")
    # Which channel carries it ("email", "sms", "wechat"; webhook calls keep "email" and their
    # kind), what the channel's provider needs beyond the text (a WeChat template's fields),
    # the invitation it invites to, and what the provider's receipt said of it.
    channel: Mapped[str] = mapped_column(sa.String(10), default="email", server_default="email")
    payload: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation.id"), index=True)
    provider_ref: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    delivered_at: Mapped[datetime | None]
    delivery_status: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")

    invitation: Mapped[Invitation | None] = relationship()


class WebhookEndpoint(IdMixin, CreatedMixin, Base):
    """Where the bank's systems hear of cases and responses: a URL, its events, its secret.

    Rotating the secret keeps the previous one signing too until `previous_secret_until`, so the
    receiver can switch over without refusing a call.
    """

    __tablename__ = "webhook_endpoint"

    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    url: Mapped[str] = mapped_column(sa.String(500))
    events: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    secret: Mapped[str] = mapped_column(sa.String(100))
    previous_secret: Mapped[str | None] = mapped_column(sa.String(100))
    previous_secret_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)


class OutboxCursor(Base):
    """How far a publishing job has read an append-only table (the case timeline)."""

    __tablename__ = "outbox_cursor"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
