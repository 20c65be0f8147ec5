"""Closed-loop figures, computed by the database over indexed columns."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Case, CaseStatus
from app.services.sqltime import median, seconds_between

CLOSED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


@dataclass(frozen=True)
class ClosedLoop:
    cases_total: int
    cases_closed: int
    cases_confirmed: int  # the customer said yes to the follow-up
    cases_unconfirmed: int  # closed without the customer's answer
    closure_rate: float | None
    median_hours_to_close: float | None


def closed_loop(session: Session, department_id: int | None = None) -> ClosedLoop:
    """Cases opened and closed (cancelled left out), closure rate and median time to close."""
    scope = [Case.status != CaseStatus.CANCELLED]
    if department_id is not None:
        scope.append(Case.department_id == department_id)
    is_closed = Case.status.in_(CLOSED)
    total, closed, confirmed, unconfirmed = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(is_closed),
            sa.func.count().filter(Case.closure_kind == "confirmed"),
            sa.func.count().filter(Case.closure_kind == "unconfirmed"),
        ).where(*scope)
    ).one()
    durations = (
        sa.select(seconds_between(Case.opened_at, Case.resolved_at).label("seconds"))
        .where(*scope, is_closed)
        .subquery()
    )
    median_seconds = session.scalar(median(durations, "seconds"))
    return ClosedLoop(
        cases_total=total,
        cases_closed=closed,
        cases_confirmed=confirmed,
        cases_unconfirmed=unconfirmed,
        closure_rate=round(closed / total, 4) if total else None,
        median_hours_to_close=None if median_seconds is None else round(median_seconds / 3600, 2),
    )
