"""Ingesting touchpoint events from bank systems: idempotent on the bank's event id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Customer, Invitation, Touchpoint, TouchpointEvent


@dataclass(frozen=True)
class CustomerIn:
    external_id: str
    email: str | None
    name: str = ""
    locale: str = "en"
    segment: str = "mass"


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
    status: str
    invitation_id: int | None


class UnknownTouchpoint(LookupError):
    """The event names a touchpoint this bank has not configured (or has switched off)."""


def ingest_event(
    session: Session,
    event: EventIn,
    *,
    now: datetime,
    link_max_age: timedelta,
    api_key_id: int | None = None,
) -> IngestResult:
    """Store an event and schedule its invitation; a repeated event id changes nothing."""
    seen = _existing(session, event.event_id)
    if seen is not None:
        return seen
    touchpoint = session.scalar(
        sa.select(Touchpoint).where(Touchpoint.code == event.touchpoint, Touchpoint.active)
    )
    if touchpoint is None:
        raise UnknownTouchpoint(event.touchpoint)
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                invitation = _store(session, event, touchpoint, now, link_max_age, api_key_id)
            return IngestResult(event.event_id, "accepted", invitation.id)
        except IntegrityError:
            # A concurrent request stored this event id, or this new customer, first.
            seen = _existing(session, event.event_id)
            if seen is not None:
                return seen
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(
    session: Session,
    event: EventIn,
    touchpoint: Touchpoint,
    now: datetime,
    link_max_age: timedelta,
    api_key_id: int | None,
) -> Invitation:
    customer = _upsert_customer(session, event.customer)
    row = TouchpointEvent(
        event_id=event.event_id,
        touchpoint_id=touchpoint.id,
        customer_id=customer.id,
        api_key_id=api_key_id,
        occurred_at=event.occurred_at,
        received_at=now,
        attributes=event.attributes,
    )
    session.add(row)
    session.flush()
    send_after = max(now, event.occurred_at + timedelta(minutes=touchpoint.delay_minutes))
    invitation = Invitation(
        event_id=row.id,
        customer_id=customer.id,
        touchpoint_id=touchpoint.id,
        send_after=send_after,
        expires_at=send_after + link_max_age,
    )
    session.add(invitation)
    session.flush()
    return invitation


def _existing(session: Session, event_id: str) -> IngestResult | None:
    found = session.execute(
        sa.select(TouchpointEvent.id, Invitation.id)
        .outerjoin(Invitation, Invitation.event_id == TouchpointEvent.id)
        .where(TouchpointEvent.event_id == event_id)
    ).first()
    if found is None:
        return None
    return IngestResult(event_id, "duplicate", found[1])


def _upsert_customer(session: Session, data: CustomerIn) -> Customer:
    """The bank's latest view of the customer wins; history stays on the responses."""
    customer = session.scalar(sa.select(Customer).where(Customer.external_id == data.external_id))
    if customer is None:
        customer = Customer(external_id=data.external_id)
        session.add(customer)
    customer.email = data.email
    customer.name = data.name
    customer.locale = data.locale
    customer.segment = data.segment
    session.flush()
    return customer
