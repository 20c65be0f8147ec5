"""A customer's wish not to be surveyed: recorded once, honoured by every job."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer


def opt_out(session: Session, customer_id: int, *, now: datetime) -> Customer | None:
    """Stop all surveys and reminders to this customer; repeating it changes nothing."""
    customer = session.get(Customer, customer_id)
    if customer is not None and customer.opted_out_at is None:
        customer.opted_out_at = now
        session.flush()
    return customer


def opt_out_by_mobile(session: Session, mobile: str, *, now: datetime) -> int:
    """Opt out every customer with this mobile (E.164), as an SMS reply asks: the customer stops
    hearing from the bank on every channel, not only by SMS. How many were opted out now."""
    ids = session.scalars(
        sa.select(Customer.id).where(Customer.mobile == mobile, Customer.opted_out_at.is_(None))
    ).all()
    for customer_id in ids:
        opt_out(session, customer_id, now=now)
    return len(ids)
