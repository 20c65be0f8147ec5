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
    closure_rate: float | None
    median_hours_to_close: float | None


def closed_loop(session: Session, department_id: int | None = None) -> ClosedLoop:
    """Cases opened and closed (cancelled left out), closure rate and median time to close."""
    scope = [Case.status != CaseStatus.CANCELLED]
    if department_id is not None:
        scope.append(Case.department_id == department_id)
    is_closed = Case.status.in_(CLOSED)
    total, closed = session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(is_closed)).where(*scope)
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
        closure_rate=round(closed / total, 4) if total else None,
        median_hours_to_close=None if median_seconds is None else round(median_seconds / 3600, 2),
    )
