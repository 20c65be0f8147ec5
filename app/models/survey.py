"""The feedback line up to the answer: surveys, touchpoints, events, invitations, responses."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, IdMixin
from app.models.customer import Customer
from app.models.org import Department


class InvitationStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    DEFERRED = "deferred"
    SENT = "sent"
    ANSWERED = "answered"
    EXPIRED = "expired"
    SUPPRESSED = "suppressed"


# How an invitation may travel, in the order a touchpoint lists them: a message by e-mail, SMS or
# WeChat, or "link", no message at all: the bank's app asks for the survey's URL and shows it.
INVITATION_CHANNELS = ("email", "sms", "wechat", "link")


class RoutingStatus(enum.StrEnum):
    PENDING = "pending"
    ROUTED = "routed"


class Survey(IdMixin, CreatedMixin, Base):
    """One version of a survey definition; responses keep the version they answered."""

    __tablename__ = "survey"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    code: Mapped[str] = mapped_column(sa.String(60))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class Touchpoint(IdMixin, CreatedMixin, Base):
    """A moment in the customer journey that a bank system reports and a survey follows."""

    __tablename__ = "touchpoint"

    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    journey_stage: Mapped[str] = mapped_column(sa.String(40))
    journey_order: Mapped[int] = mapped_column(default=0)
    # The channels to invite by, tried in this order (see workflows.channel_choice).
    channels: Mapped[list[str]] = mapped_column(
        sa.JSON, default=lambda: ["email"], server_default='["email"]'
    )
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    survey_code: Mapped[str] = mapped_column(sa.String(60))
    delay_minutes: Mapped[int] = mapped_column(default=0)
    # "HH:MM": after the delay, wait for this local time (a loan approved at night is asked about
    # the next morning); None sends as soon as the delay is over.
    send_at_local_time: Mapped[str | None] = mapped_column(sa.String(5))
    sampling_rate: Mapped[float] = mapped_column(default=1.0)
    segments: Mapped[list[str] | None] = mapped_column(sa.JSON)  # None: every segment
    expiry_days: Mapped[int] = mapped_column(default=14)
    reminder_hours: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    priority: Mapped[int] = mapped_column(default=50)  # higher wins when asks compete
    cooldown_days: Mapped[int] = mapped_column(default=30)
    overrides_fatigue: Mapped[bool] = mapped_column(default=False)  # complaints
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department] = relationship()


class TouchpointEvent(IdMixin, Base):
    """What a bank system told us happened; `event_id` is the bank's idempotency key."""

    __tablename__ = "touchpoint_event"

    event_id: Mapped[str] = mapped_column(sa.String(100), unique=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_key.id"))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    attributes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    touchpoint: Mapped[Touchpoint] = relationship()
    customer: Mapped[Customer] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="event")


SENT = "sent_at IS NOT NULL"


def _partial(name: str, *columns: str, where: str) -> sa.Index:
    """An index of only the rows matching `where`, on SQLite and PostgreSQL alike."""
    condition = sa.text(where)
    return sa.Index(name, *columns, sqlite_where=condition, postgresql_where=condition)


class Invitation(IdMixin, CreatedMixin, Base):
    """The ask: one per event, sent once its time comes, answered at most once."""

    __tablename__ = "invitation"
    # Each index an insert or an update touches is one more page written per transaction (on
    # SQLite, a 4 KB frame in the log), and those pages held a single event back more than its
    # instructions did: so the indexes hold only the rows their queries look for. The queries
    # say so literally (`sent_at IS NULL`) or by a comparison that implies it (`case_id = ...`).
    __table_args__ = (
        # Not yet sent: what the sender claims. A sent invitation leaves it for good.
        _partial("ix_invitation_due", "status", "send_after", where="sent_at IS NULL"),
        _partial(
            "ix_invitation_reminder_due",
            "status",
            "next_reminder_at",
            where="next_reminder_at IS NOT NULL",
        ),
        # All of a customer's invitations (fatigue, erasure, their history), sent or not.
        sa.Index("ix_invitation_customer_sent", "customer_id", "sent_at"),
        _partial("ix_invitation_touchpoint_sent", "touchpoint_id", "sent_at", where=SENT),
        # Covers the dashboard's pass over a period's invitations (read from the index alone).
        _partial(
            "ix_invitation_sent", "sent_at", "touchpoint_id", "status", "event_id", where=SENT
        ),
        _partial("ix_invitation_case_id", "case_id", where="case_id IS NOT NULL"),
        _partial(
            "ix_invitation_delivery_due", "delivery_due_at", where="delivery_due_at IS NOT NULL"
        ),
        sa.CheckConstraint("event_id IS NOT NULL OR case_id IS NOT NULL", name="has_origin"),
    )

    # An invitation follows either a touchpoint event or, for the follow-up survey, a case.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("touchpoint_event.id"), unique=True)
    # use_alter: case_file -> response -> invitation -> case_file is a cycle of foreign keys.
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id", use_alter=True))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customer.id"))
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=InvitationStatus.SCHEDULED)
    send_after: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    next_reminder_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    survey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey.id"))
    draft: Mapped[dict[str, list[str]] | None] = mapped_column(sa.JSON)
    draft_saved_at: Mapped[datetime | None]
    # The channel it went by (the last one tried), the ones tried before it, and when its
    # message counts as undelivered if no delivery receipt has come (then the next is tried).
    channel: Mapped[str | None] = mapped_column(sa.String(10))
    # No Python default: an event's bulk INSERT … SELECT on PostgreSQL would write JSON null.
    channels_tried: Mapped[list[str]] = mapped_column(sa.JSON, server_default="[]")
    delivery_due_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()
    touchpoint: Mapped[Touchpoint] = relationship()
    event: Mapped[TouchpointEvent | None] = relationship(back_populates="invitation")
    survey: Mapped[Survey | None] = relationship()


class SurveyLink(IdMixin, CreatedMixin, Base):
    """One e-mailed link to an invitation (the first mail and each reminder have their own).

    Only the token's hash is kept, so reading the database does not let anyone answer.
    """

    __tablename__ = "survey_link"

    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitation.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    invitation: Mapped[Invitation] = relationship()


class Response(IdMixin, Base):
    """An answered survey, with everything metrics group by copied at answer time."""

    __tablename__ = "response"
    __table_args__ = (
        sa.Index("ix_response_touchpoint_submitted", "touchpoint_id", "submitted_at"),
        sa.Index("ix_response_department_submitted", "department_id", "submitted_at"),
        sa.Index("ix_response_routing_due", "routing_status", "submitted_at"),
        sa.Index("ix_response_submitted", "submitted_at"),
        sa.Index("ix_response_retention_due", "anonymised_at", "submitted_at"),
        sa.CheckConstraint("nps IS NULL OR (nps >= 0 AND nps <= 10)", name="nps_range"),
        sa.CheckConstraint("csat IS NULL OR (csat >= 1 AND csat <= 5)", name="csat_range"),
        sa.CheckConstraint("ces IS NULL OR (ces >= 1 AND ces <= ces_scale)", name="ces_range"),
        sa.CheckConstraint(
            "polarity IS NULL OR (polarity >= -1 AND polarity <= 1)", name="polarity"
        ),
    )

    # Both are empty for anonymous surveys: no link back to the customer is kept.
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True)
    survey_code: Mapped[str] = mapped_column(sa.String(60))
    survey_version: Mapped[int]
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"))
    journey_stage: Mapped[str] = mapped_column(sa.String(40))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    channel: Mapped[str] = mapped_column(sa.String(20))
    segment: Mapped[str] = mapped_column(sa.String(20))
    branch: Mapped[str | None] = mapped_column(sa.String(80))
    submitted_at: Mapped[datetime]
    nps: Mapped[int | None]
    nps_category: Mapped[str | None] = mapped_column(sa.String(10))
    csat: Mapped[int | None]
    csat_satisfied: Mapped[bool | None]
    ces: Mapped[int | None]
    ces_scale: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str] = mapped_column(sa.String(10))
    comment_language: Mapped[str | None] = mapped_column(sa.String(10))
    polarity: Mapped[float | None]
    consent_to_contact: Mapped[bool | None]
    routing_status: Mapped[str] = mapped_column(sa.String(20), default=RoutingStatus.PENDING)
    claimed_until: Mapped[datetime | None]
    # Set when retention or an erasure removed the words and the link to the customer.
    anonymised_at: Mapped[datetime | None]

    touchpoint: Mapped[Touchpoint] = relationship()
    customer: Mapped[Customer | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response")


class Answer(IdMixin, Base):
    """One question's answer, kept as the customer gave it."""

    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("response_id", "question_id"),)

    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(sa.String(60))
    value: Mapped[Any] = mapped_column(sa.JSON)

    response: Mapped[Response] = relationship(back_populates="answers")
