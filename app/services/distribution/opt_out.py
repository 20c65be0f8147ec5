"""A customer's wish not to be surveyed: recorded once, honoured by every job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Customer


def opt_out(session: Session, customer_id: int, *, now: datetime) -> Customer | None:
    """Stop all surveys and reminders to this customer; repeating it changes nothing."""
    customer = session.get(Customer, customer_id)
    if customer is not None and customer.opted_out_at is None:
        customer.opted_out_at = now
        session.flush()
    return customer
