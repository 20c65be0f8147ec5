"""The persistent outbox: e-mail is queued in the business transaction and delivered later.

Delivery retries temporary failures (connection refused, 4xx) with exponential back-off and
marks permanent ones (5xx, or too many attempts) as failed, visible to operators.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OutboxMessage, OutboxStatus
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.database.upsert import dialect_insert

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)

Sender = Callable[[OutboxMessage], None]


class PermanentDeliveryError(Exception):
    """The recipient's server refused the message for good; retrying cannot help."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def enqueue_email(
    session: Session,
    *,
    kind: str,
    subject_key: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str,
    now: datetime,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue one e-mail; (kind, subject_key) is unique, so a retried caller cannot queue twice."""
    message = OutboxMessage(
        kind=kind,
        subject_key=subject_key,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    return message


WEBHOOK = "webhook"


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
    limit: int = 50,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Lease the e-mails (or, with `webhooks`, the webhook calls) due for a delivery attempt."""
    kind = OutboxMessage.kind == WEBHOOK if webhooks else OutboxMessage.kind != WEBHOOK
    return claim_due(
        session,
        OutboxMessage,
        kind,
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
        send(message)
    except PermanentDeliveryError as error:
        _fail(message, str(error), report)
    except (smtplib.SMTPException, OSError) as error:
        if message.attempts >= MAX_ATTEMPTS:
            _fail(message, f"gave up after {message.attempts} attempts: {error}", report)
        else:
            message.last_error = str(error)[:2000]
            message.next_attempt_at = now + retry_delay(message.attempts, first_retry)
            report.retried += 1
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.last_error = ""
        report.sent += 1
    session.flush()


def retry_delay(attempts: int, first: timedelta = FIRST_RETRY) -> timedelta:
    """Back-off after the n-th failed attempt: 30 s, 1 min, 2 min, … capped at two hours."""
    return min(first * 2 ** (attempts - 1), LONGEST_RETRY)


def _fail(message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    message.status = OutboxStatus.FAILED
    message.last_error = error[:2000]
    report.failed += 1


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
