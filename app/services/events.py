"""Ingesting touchpoint events from bank systems: idempotent on the bank's event id.

A batch is stored in one pass (one query for known ids, one for touchpoints, then multi-row
upserts and inserts for customers, events and invitations), which is what makes thousands of
events a second possible.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Invitation, InvitationStatus, Touchpoint, TouchpointEvent
from app.models.customer import DEFAULT_TIMEZONE
from app.services.upsert import dialect_insert
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
    """Store a batch; each event gets its own result, in order.

    Rows are written with a few multi-row statements, not the unit of work: a batch of a
    thousand events is a handful of round trips, a new single event four. An event id already
    stored (a retry, or a concurrent request a moment ago) is skipped by ON CONFLICT DO
    NOTHING and answered, after one lookup for all such ids, as the duplicate it is.
    """
    touchpoints = {
        t.code: t
        for t in session.scalars(
            sa.select(Touchpoint).where(Touchpoint.code.in_({e.touchpoint for e in events}))
        )
        if t.active
    }
    fresh: dict[str, EventIn] = {}
    for event in events:
        if event.touchpoint in touchpoints:
            fresh.setdefault(event.event_id, event)
    customers = _upsert_customers(session, [e.customer for e in fresh.values()])
    stored = _insert_events(session, list(fresh.values()), touchpoints, customers, now, api_key_id)
    known = _known(session, {e.event_id for e in events if e.event_id not in stored})
    results = []
    for event in events:
        if event.event_id in stored:
            results.append(stored[event.event_id])
        elif event.event_id in known:
            results.append(known[event.event_id])
        else:
            results.append(IngestResult(event.event_id, "rejected", reason="unknown touchpoint"))
    first = set()
    for index, result in enumerate(results):
        if result.status == "accepted" and result.event_id in first:
            results[index] = replace(result, status="duplicate")  # repeated inside this batch
        first.add(result.event_id)
    return results


def _known(session: Session, ids: set[str]) -> dict[str, IngestResult]:
    if not ids:
        return {}
    rows = session.execute(
        sa.select(TouchpointEvent.event_id, Invitation.id, Invitation.status, Invitation.reason)
        .outerjoin(Invitation, Invitation.event_id == TouchpointEvent.id)
        .where(TouchpointEvent.event_id.in_(ids))
    )
    return {row[0]: IngestResult(row[0], "duplicate", row[1], row[2], row[3]) for row in rows}


def _insert_events(
    session: Session,
    events: list[EventIn],
    touchpoints: dict[str, Touchpoint],
    customers: dict[str, StoredCustomer],
    now: datetime,
    api_key_id: int | None,
) -> dict[str, IngestResult]:
    """Insert the events, then an invitation for each one this request stored."""
    if not events:
        return {}
    rows = [
        {
            "event_id": e.event_id,
            "touchpoint_id": touchpoints[e.touchpoint].id,
            "customer_id": customers[e.customer.external_id].id,
            "api_key_id": api_key_id,
            "occurred_at": e.occurred_at,
            "received_at": now,
            "attributes": e.attributes,
        }
        for e in events
    ]
    table = TouchpointEvent.__table__
    inserted = dict(
        session.execute(
            dialect_insert(session, table)
            .on_conflict_do_nothing(index_elements=[table.c.event_id])
            .returning(table.c.event_id, table.c.id),
            rows,
        ).all()
    )
    if not inserted:
        return {}
    event_ids = {row_id: event_id for event_id, row_id in inserted.items()}
    planned = {
        e.event_id: _invitation(
            e, touchpoints[e.touchpoint], customers[e.customer.external_id], now
        )
        | {"event_id": inserted[e.event_id]}
        for e in events
        if e.event_id in inserted
    }
    table = Invitation.__table__
    returned = session.execute(
        sa.insert(table).returning(table.c.event_id, table.c.id), list(planned.values())
    )
    stored = {}
    for event_row_id, invitation_id in returned:
        event_id = event_ids[event_row_id]
        row = planned[event_id]
        stored[event_id] = IngestResult(
            event_id, "accepted", invitation_id, row["status"], row["reason"]
        )
    return stored


def _invitation(
    event: EventIn, touchpoint: Touchpoint, customer: StoredCustomer, now: datetime
) -> dict[str, Any]:
    """Schedule the ask, or record at once why it will not be made."""
    due = first_send_time(
        event.occurred_at,
        timedelta(minutes=touchpoint.delay_minutes),
        touchpoint.send_at_local_time,
        customer.timezone,
    )
    expires_at = due + timedelta(days=touchpoint.expiry_days)
    status, reason = InvitationStatus.SCHEDULED, ""
    if touchpoint.segments is not None and customer.segment not in touchpoint.segments:
        status, reason = InvitationStatus.SUPPRESSED, "segment not surveyed"
    elif not _sampled(event.event_id, touchpoint.sampling_rate):
        status, reason = (
            InvitationStatus.SUPPRESSED,
            f"not sampled ({touchpoint.sampling_rate:.0%})",
        )
    elif expires_at <= now:
        status, reason = InvitationStatus.EXPIRED, "event arrived after its survey window closed"
    return {
        "customer_id": customer.id,
        "touchpoint_id": touchpoint.id,
        "send_after": max(now, due),
        "expires_at": expires_at,
        "status": status,
        "reason": reason,
    }


def _sampled(event_id: str, rate: float) -> bool:
    """Deterministic per event id, so a retried event gets the same answer."""
    if rate >= 1:
        return True
    bucket = int.from_bytes(hashlib.sha256(event_id.encode()).digest()[:4], "big") / 2**32
    return bucket < rate


class StoredCustomer(NamedTuple):
    id: int
    segment: str
    timezone: str


def _upsert_customers(session: Session, incoming: list[CustomerIn]) -> dict[str, StoredCustomer]:
    """The bank's latest view of each customer wins; history stays on the responses.

    One upsert per kind of row, in external-id order so that two batches naming the same
    customers lock them in the same order; a timezone not sent keeps the one on file.
    """
    wanted = sorted({c.external_id: c for c in incoming}.values(), key=lambda c: c.external_id)
    table = Customer.__table__
    found: dict[str, StoredCustomer] = {}
    for with_timezone in (True, False):
        rows = [
            {
                "external_id": c.external_id,
                "email": c.email,
                "name": c.name,
                "locale": c.locale,
                "segment": c.segment,
                "timezone": c.timezone or DEFAULT_TIMEZONE,
            }
            for c in wanted
            if bool(c.timezone) is with_timezone
        ]
        if not rows:
            continue
        insert = dialect_insert(session, table)
        updated = ["email", "name", "locale", "segment"] + (["timezone"] if with_timezone else [])
        statement = insert.on_conflict_do_update(
            index_elements=[table.c.external_id],
            set_={name: insert.excluded[name] for name in updated},
        ).returning(table.c.external_id, table.c.id, table.c.segment, table.c.timezone)
        for external_id, *stored in session.execute(statement, rows):
            found[external_id] = StoredCustomer(*stored)
    return found


def event_status(session: Session, event_id: str) -> IngestResult | None:
    """What became of an event, for the API: its invitation's status and reason."""
    known = _known(session, {event_id}).get(event_id)
    return None if known is None else replace(known, status="accepted")
