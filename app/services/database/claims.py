"""Claiming due rows so any number of workers can run the same job without doing work twice.

One statement both picks and leases the rows: `UPDATE … WHERE id IN (SELECT … LIMIT n)`, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent workers take different rows, and SQLite's
single writer serialising the statement elsewhere. The lease (`claimed_until`) expires, so the
rows of a worker killed mid-job are claimed again later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

DEFAULT_LEASE = timedelta(minutes=5)


def claim_due(
    session: Session,
    model: Any,
    *criteria: sa.ColumnElement[bool],
    now: datetime,
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Lease up to `limit` rows of `model` matching `criteria` whose lease is free; their ids."""
    free = sa.or_(model.claimed_until.is_(None), model.claimed_until < now)
    candidates = (
        sa.select(model.id)
        .where(free, *criteria)
        .order_by(model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.execute(
        sa.update(model)
        .where(model.id.in_(candidates))
        .values(claimed_until=now + lease)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.scalars())
