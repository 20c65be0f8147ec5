"""The persistent outbox: every message (e-mail, SMS, WeChat, webhook call) is queued in the
business transaction and delivered later by the channel's job.

Delivery retries temporary failures (connection refused, a timeout, a provider's 5xx or rate
limit) with exponential back-off and marks permanent ones (refused for good, or too many
attempts) as failed, visible to operators. A failed survey invitation is due at once for its
next channel (distribution.fallback); SMS and WeChat messages then wait for the provider's
receipt (distribution.receipts).
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Invitation, InvitationStatus, OutboxMessage, OutboxStatus
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.database.upsert import dialect_insert

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)

# Sends one message; returns the provider's id for it (matched by its receipts), if any.
Sender = Callable[[OutboxMessage], str | None]


class PermanentDeliveryError(Exception):
    """The recipient's server refused the message for good; retrying cannot help."""


class TemporaryDeliveryError(Exception):
    """The provider could not take the message now (down, slow, rate-limited): try again."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def enqueue_message(
    session: Session,
    *,
    channel: str,
    kind: str,
    subject_key: str,
    recipient: str,
    body_text: str,
    now: datetime,
    subject: str = "",
    body_html: str = "",
    headers: dict[str, str] | None = None,
    payload: dict[str, Any] | None = None,
    invitation_id: int | None = None,
) -> OutboxMessage:
    """Queue one message; (kind, subject_key) is unique, so a retried caller cannot queue twice."""
    message = OutboxMessage(
        channel=channel,
        kind=kind,
        subject_key=subject_key,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        payload=payload,
        invitation_id=invitation_id,
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    return message


def enqueue_email(session: Session, **fields: Any) -> OutboxMessage:
    """Queue one e-mail (subject, text and HTML bodies, headers)."""
    return enqueue_message(session, channel=EMAIL, **fields)


WEBHOOK = "webhook"
EMAIL = "email"


def enqueue_once(session: Session, **fields: Any) -> bool:
    """Queue a message unless one with the same (kind, subject_key) exists; True if queued.

    INSERT … ON CONFLICT DO NOTHING on both engines, so two workers publishing the same
    timeline entry queue it once, without an error to recover from.
    """
    statement = dialect_insert(session, OutboxMessage).values(
        status=OutboxStatus.PENDING, attempts=0, headers={}, last_error="", **fields
    )
    statement = statement.on_conflict_do_nothing(index_elements=["kind", "subject_key"])
    return session.scalar(statement.returning(OutboxMessage.id)) is not None


def claim_deliverable(
    session: Session,
    *,
    now: datetime,
    webhooks: bool = False,
    channel: str = EMAIL,
    limit: int = 50,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Lease the channel's messages (or, with `webhooks`, the webhook calls) due for a try."""
    which = (
        OutboxMessage.kind == WEBHOOK
        if webhooks
        else sa.and_(OutboxMessage.kind != WEBHOOK, OutboxMessage.channel == channel)
    )
    return claim_due(
        session,
        OutboxMessage,
        which,
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        now=now,
        limit=limit,
        lease=lease,
    )


def deliver_one(
    session: Session,
    message_id: int,
    send: Sender,
    *,
    now: datetime,
    report: DeliveryReport,
    first_retry: timedelta = FIRST_RETRY,
) -> None:
    """Try to send one claimed message and record the outcome on its row."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.status != OutboxStatus.PENDING:
        return
    message.attempts += 1
    message.claimed_until = None
    try:
        provider_ref = send(message)
    except PermanentDeliveryError as error:
        _fail(message, str(error), report, now)
    except (smtplib.SMTPException, OSError, TemporaryDeliveryError) as error:
        if message.attempts >= MAX_ATTEMPTS:
            _fail(message, f"gave up after {message.attempts} attempts: {error}", report, now)
        else:
            message.last_error = str(error)[:2000]
            message.next_attempt_at = now + retry_delay(message.attempts, first_retry)
            report.retried += 1
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.last_error = ""
        message.provider_ref = provider_ref
        report.sent += 1
    session.flush()


def retry_delay(attempts: int, first: timedelta = FIRST_RETRY) -> timedelta:
    """Back-off after the n-th failed attempt: 30 s, 1 min, 2 min, … capped at two hours."""
    return min(first * 2 ** (attempts - 1), LONGEST_RETRY)


def _fail(message: OutboxMessage, error: str, report: DeliveryReport, now: datetime) -> None:
    message.status = OutboxStatus.FAILED
    message.last_error = error[:2000]
    report.failed += 1
    undelivered(message.invitation, now)


def undelivered(invitation: Invitation | None, now: datetime) -> None:
    """The invitation's message will not arrive: its next channel is due now (fallback)."""
    if invitation is not None and invitation.status == InvitationStatus.SENT:
        invitation.delivery_due_at = now


def recent_messages(
    session: Session, status: str | None = None, limit: int = 50
) -> list[OutboxMessage]:
    """The newest messages (of one status, if given), for the outbox pages."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query))


def status_counts(session: Session) -> dict[str, int]:
    """How many messages wait, went out, or failed for good."""
    rows = session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    return {str(status): 0 for status in OutboxStatus} | {status: count for status, count in rows}


def retry_failed(session: Session, message_id: int, *, now: datetime) -> bool:
    """Send a failed message again (the operator fixed the address or the server), from scratch.

    A conditional update, so a double click or two operators requeue it once.
    """
    requeued = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return requeued.rowcount == 1
