"""Ingesting touchpoint events from bank systems: idempotent on the bank's event id.

A batch is stored in one pass (one query for known ids, one for touchpoints, one for customers,
one flush), which is what makes thousands of events a second possible; if a concurrent request
stored one of the same ids meanwhile, the batch falls back to one savepoint per event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Customer, Invitation, InvitationStatus, Touchpoint, TouchpointEvent
from app.models.customer import DEFAULT_TIMEZONE
from workflows.throttling import first_send_time


@dataclass(frozen=True)
class CustomerIn:
    external_id: str
    email: str | None
    name: str = ""
    locale: str = "en"
    segment: str = "mass"
    timezone: str | None = None


@dataclass(frozen=True)
class EventIn:
    event_id: str
    touchpoint: str
    customer: CustomerIn
    occurred_at: datetime
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    event_id: str
    status: str  # accepted, duplicate or rejected
    invitation_id: int | None = None
    invitation_status: str | None = None
    reason: str = ""


def ingest_event(
    session: Session, event: EventIn, *, now: datetime, api_key_id: int | None = None
) -> IngestResult:
    """Store one event and schedule its invitation; a repeated event id changes nothing."""
    return ingest_events(session, [event], now=now, api_key_id=api_key_id)[0]


def ingest_events(
    session: Session, events: Sequence[EventIn], *, now: datetime, api_key_id: int | None = None
) -> list[IngestResult]:
    """Store a batch; each event gets its own result, in order."""
    try:
        with session.begin_nested():
            return _store_batch(session, events, now, api_key_id)
    except IntegrityError:
        results = []
        for event in events:
            try:
                with session.begin_nested():
                    results.extend(_store_batch(session, [event], now, api_key_id))
            except IntegrityError:
                results.append(_recorded(session, event.event_id, "duplicate"))
        return results


def _store_batch(
    session: Session, events: Sequence[EventIn], now: datetime, api_key_id: int | None
) -> list[IngestResult]:
    ids = {event.event_id for event in events}
    known = {
        row.event_id: row
        for row in session.execute(
            sa.select(TouchpointEvent.event_id, Invitation.id, Invitation.status, Invitation.reason)
            .outerjoin(Invitation, Invitation.event_id == TouchpointEvent.id)
            .where(TouchpointEvent.event_id.in_(ids))
        )
    }
    touchpoints = {
        t.code: t
        for t in session.scalars(
            sa.select(Touchpoint).where(Touchpoint.code.in_({e.touchpoint for e in events}))
        )
        if t.active
    }
    customers = _upsert_customers(
        session, [e.customer for e in events if e.touchpoint in touchpoints]
    )
    pending: list[IngestResult | TouchpointEvent | str] = []
    staged: dict[str, TouchpointEvent] = {}
    for event in events:
        if event.event_id in known:
            _, invitation_id, status, reason = known[event.event_id]
            pending.append(IngestResult(event.event_id, "duplicate", invitation_id, status, reason))
        elif event.event_id in staged:
            pending.append(event.event_id)  # repeated inside this batch
        elif event.touchpoint not in touchpoints:
            pending.append(IngestResult(event.event_id, "rejected", reason="unknown touchpoint"))
        else:
            touchpoint = touchpoints[event.touchpoint]
            customer = customers[event.customer.external_id]
            row = TouchpointEvent(
                event_id=event.event_id,
                touchpoint_id=touchpoint.id,
                customer_id=customer.id,
                api_key_id=api_key_id,
                occurred_at=event.occurred_at,
                received_at=now,
                attributes=event.attributes,
            )
            row.invitation = _invitation(event, touchpoint, customer, now)
            staged[event.event_id] = row
            pending.append(row)
    session.add_all(staged.values())
    session.flush()
    return [_result(item, staged) for item in pending]


def _result(
    item: IngestResult | TouchpointEvent | str, staged: dict[str, TouchpointEvent]
) -> IngestResult:
    if isinstance(item, IngestResult):
        return item
    row, status = (staged[item], "duplicate") if isinstance(item, str) else (item, "accepted")
    invitation = row.invitation
    assert invitation is not None
    return IngestResult(row.event_id, status, invitation.id, invitation.status, invitation.reason)


def _invitation(
    event: EventIn, touchpoint: Touchpoint, customer: Customer, now: datetime
) -> Invitation:
    """Schedule the ask, or record at once why it will not be made."""
    due = first_send_time(
        event.occurred_at,
        timedelta(minutes=touchpoint.delay_minutes),
        touchpoint.send_at_local_time,
        customer.timezone,
    )
    invitation = Invitation(
        customer_id=customer.id,
        touchpoint_id=touchpoint.id,
        send_after=max(now, due),
        expires_at=due + timedelta(days=touchpoint.expiry_days),
    )
    if touchpoint.segments is not None and customer.segment not in touchpoint.segments:
        invitation.status, invitation.reason = InvitationStatus.SUPPRESSED, "segment not surveyed"
    elif not _sampled(event.event_id, touchpoint.sampling_rate):
        rate = f"{touchpoint.sampling_rate:.0%}"
        invitation.status, invitation.reason = InvitationStatus.SUPPRESSED, f"not sampled ({rate})"
    elif invitation.expires_at <= now:
        invitation.status = InvitationStatus.EXPIRED
        invitation.reason = "event arrived after its survey window closed"
    else:
        invitation.status = InvitationStatus.SCHEDULED
    return invitation


def _sampled(event_id: str, rate: float) -> bool:
    """Deterministic per event id, so a retried event gets the same answer."""
    if rate >= 1:
        return True
    bucket = int.from_bytes(hashlib.sha256(event_id.encode()).digest()[:4], "big") / 2**32
    return bucket < rate


def _upsert_customers(session: Session, incoming: list[CustomerIn]) -> dict[str, Customer]:
    """The bank's latest view of each customer wins; history stays on the responses."""
    wanted = {c.external_id: c for c in incoming}
    found = {
        c.external_id: c
        for c in session.scalars(sa.select(Customer).where(Customer.external_id.in_(wanted)))
    }
    for external_id, data in wanted.items():
        customer = found.get(external_id)
        if customer is None:
            customer = found[external_id] = Customer(external_id=external_id)
            session.add(customer)
        customer.email = data.email
        customer.name = data.name
        customer.locale = data.locale
        customer.segment = data.segment
        customer.timezone = data.timezone or customer.timezone or DEFAULT_TIMEZONE
    session.flush()
    return found


def event_status(session: Session, event_id: str) -> IngestResult | None:
    """What became of an event, for the API: its invitation's status and reason."""
    result = _recorded(session, event_id, "accepted")
    return None if result.status == "rejected" else result


def _recorded(session: Session, event_id: str, status: str) -> IngestResult:
    row = session.execute(
        sa.select(Invitation.id, Invitation.status, Invitation.reason)
        .join(TouchpointEvent, Invitation.event_id == TouchpointEvent.id)
        .where(TouchpointEvent.event_id == event_id)
    ).first()
    if row is None:
        return IngestResult(event_id, "rejected", reason="could not be stored; send it again")
    return IngestResult(event_id, status, row[0], row[1], row[2])
