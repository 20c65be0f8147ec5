"""Does the loop close? Case figures for the cohort of cases opened in a period.

Cohorting by the day a case opened keeps a period's closure rate from changing meaning as later
cases arrive; cancelled cases are counted apart and left out of every rate. Durations are
elapsed hours. First resolution and the latest resolution are kept apart, so a reopen corrupts
neither: the first says how fast the bank answered, the latest how long putting it right took.
SLA compliance compares the first resolution with the stored resolve deadline, which already
counts business hours and is moved by time spent waiting on the customer; a case counts once its
deadline fell due before the period's end (or now), or once it was met, and a case waiting on
the customer is not a breach.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OPEN_STATUSES, Case, CaseStatus, Department, Invitation, Response
from app.services.database.sqltime import percentiles, seconds_between, week_start
from app.services.reports.filters import ReportFilter

CLOSED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
AGE_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, 14), (14, None))  # days, lower bound included


def rate(part: int, whole: int) -> float | None:
    """A share rounded to 4 places; None rather than 0 when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def in_hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


@dataclass(frozen=True)
class Durations:
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class ClosedLoop:
    cases_total: int  # opened in the period, cancelled left out
    cases_closed: int  # resolved or closed
    cases_confirmed: int  # the customer said yes to the follow-up
    cases_unconfirmed: int  # closed without the customer's answer
    cases_cancelled: int
    cases_reopened: int
    closure_rate: float | None
    median_hours_to_close: float | None
    detractor_cases: int
    detractors_contacted: int
    detractors_contacted_in_sla: int
    detractors_rescued: int  # contacted, and satisfied in the follow-up survey
    close_the_loop_rate: float | None
    rescue_rate: float | None
    confirmed_rate: float | None
    reopened_rate: float | None
    sla_met: int
    sla_due: int
    sla_compliance: float | None
    first_contact: Durations
    first_resolution: Durations
    resolution: Durations


def of_cases(query: sa.Select[Any], wanted: ReportFilter, *, period: bool = True) -> sa.Select[Any]:
    """`query` narrowed to the cases `wanted` selects, joined to their responses only when a
    response fact filters them: joining every case of the bank for nothing cost ~40 ms a query."""
    if wanted.response_facts():
        query = query.join(Response, Response.id == Case.response_id)
    return query.where(*wanted.cases(period=period))


def sla_counts(as_of: datetime) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    met = sa.and_(Case.due_resolve_at.is_not(None), Case.first_resolved_at <= Case.due_resolve_at)
    breached = sa.and_(
        Case.due_resolve_at < as_of,
        sa.or_(Case.first_resolved_at.is_(None), Case.first_resolved_at > Case.due_resolve_at),
        Case.waiting_since.is_(None),
    )
    kept = Case.status != CaseStatus.CANCELLED
    return (
        sa.func.count().filter(kept, met),
        sa.func.count().filter(kept, sa.or_(met, breached)),
    )


def closed_loop(session: Session, wanted: ReportFilter, *, now: datetime) -> ClosedLoop:
    """Every closed-loop figure of the cohort, in one aggregate query and three percentile ones."""
    kept = Case.status != CaseStatus.CANCELLED
    detractor = sa.and_(kept, Response.nps_category == "detractor")
    contacted = sa.and_(detractor, Case.first_contact_at.is_not(None))
    in_sla = sa.or_(
        Case.due_first_contact_at.is_(None), Case.first_contact_at <= Case.due_first_contact_at
    )
    followup = sa.orm.aliased(Response)
    rescued = (
        sa.select(Invitation.id)
        .join(followup, followup.invitation_id == Invitation.id)
        .where(Invitation.case_id == Case.id, followup.csat_satisfied.is_(True))
        .exists()
    )
    sla_met, sla_due = sla_counts(wanted.as_of(now))
    row = session.execute(
        sa.select(
            sa.func.count().filter(kept),
            sa.func.count().filter(kept, Case.status.in_(CLOSED)),
            sa.func.count().filter(Case.closure_kind == "confirmed"),
            sa.func.count().filter(Case.closure_kind == "unconfirmed"),
            sa.func.count().filter(Case.status == CaseStatus.CANCELLED),
            sa.func.count().filter(kept, Case.reopen_count > 0),
            sa.func.count().filter(detractor),
            sa.func.count().filter(contacted),
            sa.func.count().filter(contacted, in_sla),
            sa.func.count().filter(contacted, rescued),
            sla_met,
            sla_due,
        )
        .select_from(Case)
        .join(Response, Response.id == Case.response_id)
        .where(*wanted.cases())
    ).one()
    total, closed, confirmed, unconfirmed, cancelled, reopened = row[:6]
    detractors, reached, reached_in_sla, saved, met, due = row[6:]
    resolution = _durations(session, wanted, Case.resolved_at, Case.status.in_(CLOSED))
    return ClosedLoop(
        cases_total=total,
        cases_closed=closed,
        cases_confirmed=confirmed,
        cases_unconfirmed=unconfirmed,
        cases_cancelled=cancelled,
        cases_reopened=reopened,
        closure_rate=rate(closed, total),
        median_hours_to_close=resolution.median_hours,
        detractor_cases=detractors,
        detractors_contacted=reached,
        detractors_contacted_in_sla=reached_in_sla,
        detractors_rescued=saved,
        close_the_loop_rate=rate(reached_in_sla, detractors),
        rescue_rate=rate(saved, reached),
        confirmed_rate=rate(confirmed, confirmed + unconfirmed),
        reopened_rate=rate(reopened, total),
        sla_met=met,
        sla_due=due,
        sla_compliance=rate(met, due),
        first_contact=_durations(session, wanted, Case.first_contact_at),
        first_resolution=_durations(session, wanted, Case.first_resolved_at),
        resolution=resolution,
    )


def closed_loop_fields(figures: ClosedLoop) -> dict[str, int | float | None]:
    """The figures flat, durations as `median_hours_to_…` and `p90_hours_to_…`, for the API."""
    fields = {
        name: value
        for name, value in dataclasses.asdict(figures).items()
        if not isinstance(value, dict)
    }
    for name, to in (
        ("first_contact", "first_contact"),
        ("first_resolution", "first_resolution"),
        ("resolution", "close"),
    ):
        durations: Durations = getattr(figures, name)
        fields[f"median_hours_to_{to}"] = durations.median_hours
        fields[f"p90_hours_to_{to}"] = durations.p90_hours
    return fields


def _durations(
    session: Session,
    wanted: ReportFilter,
    end: sa.ColumnElement[datetime | None],
    *extra: sa.ColumnElement[bool],
) -> Durations:
    """Median and 90th percentile of the hours from opening to `end`, over the cohort."""
    values = of_cases(
        sa.select(seconds_between(Case.opened_at, end).label("seconds")).where(
            Case.status != CaseStatus.CANCELLED, end.is_not(None), *extra
        ),
        wanted,
    ).subquery()
    p50, p90 = session.execute(percentiles(values, "seconds", (50, 90))).one()
    return Durations(in_hours(p50), in_hours(p90))


@dataclass(frozen=True)
class AgeBucket:
    min_days: int
    max_days: int | None
    cases: int


def backlog(session: Session, wanted: ReportFilter, *, now: datetime) -> list[AgeBucket]:
    """Open cases now (whatever the period), by how long ago they opened."""
    columns = [
        sa.func.count().filter(
            Case.opened_at <= now - timedelta(days=low),
            *([] if high is None else [Case.opened_at > now - timedelta(days=high)]),
        )
        for low, high in AGE_BUCKETS
    ]
    query = sa.select(*columns).select_from(Case).where(Case.status.in_(OPEN_STATUSES))
    row = session.execute(of_cases(query, wanted, period=False)).one()
    return [
        AgeBucket(low, high, count) for (low, high), count in zip(AGE_BUCKETS, row, strict=True)
    ]


@dataclass(frozen=True)
class DepartmentCount:
    department: Department
    cases: int


def overdue_by_department(
    session: Session, wanted: ReportFilter, *, now: datetime
) -> list[DepartmentCount]:
    """Open cases past their resolve deadline now (not those waiting on the customer)."""
    counted = of_cases(
        sa.select(Case.department_id, sa.func.count().label("cases"))
        .where(
            Case.status.in_(OPEN_STATUSES),
            Case.due_resolve_at < now,
            Case.waiting_since.is_(None),
        )
        .group_by(Case.department_id),
        wanted,
        period=False,
    ).subquery()
    rows = session.execute(
        sa.select(Department, counted.c.cases)
        .join(counted, counted.c.department_id == Department.id)
        .order_by(counted.c.cases.desc(), Department.name)
    ).all()
    return [DepartmentCount(department, cases) for department, cases in rows]


@dataclass(frozen=True)
class LeagueRow:
    department: Department
    cases_total: int
    cases_closed: int
    closure_rate: float | None
    median_hours_to_close: float | None
    sla_met: int
    sla_due: int
    sla_compliance: float | None


def league_table(session: Session, wanted: ReportFilter, *, now: datetime) -> list[LeagueRow]:
    """Departments by closure rate (then SLA compliance) over the period's cohort."""
    kept = Case.status != CaseStatus.CANCELLED
    sla_met, sla_due = sla_counts(wanted.as_of(now))
    counts = session.execute(
        of_cases(
            sa.select(
                Case.department_id,
                sa.func.count().filter(kept),
                sa.func.count().filter(kept, Case.status.in_(CLOSED)),
                sla_met,
                sla_due,
            ).group_by(Case.department_id),
            wanted,
        )
    ).all()
    values = of_cases(
        sa.select(
            Case.department_id.label("department_id"),
            seconds_between(Case.opened_at, Case.resolved_at).label("seconds"),
        ).where(Case.status.in_(CLOSED)),
        wanted,
    ).subquery()
    medians = dict(session.execute(percentiles(values, "seconds", (50,), by="department_id")).all())
    departments = {
        d.id: d
        for d in session.scalars(
            sa.select(Department).where(Department.id.in_([row[0] for row in counts]))
        )
    }
    rows = [
        LeagueRow(
            department=departments[department_id],
            cases_total=total,
            cases_closed=closed,
            closure_rate=rate(closed, total),
            median_hours_to_close=in_hours(medians.get(department_id)),
            sla_met=met,
            sla_due=due,
            sla_compliance=rate(met, due),
        )
        for department_id, total, closed, met, due in counts
        if total
    ]
    return sorted(
        rows, key=lambda r: (-(r.closure_rate or 0), -(r.sla_compliance or 0), r.department.name)
    )


@dataclass(frozen=True)
class WeekClosure:
    week: str  # the Monday, YYYY-MM-DD (UTC)
    cases_total: int
    cases_closed: int
    closure_rate: float | None


def weekly_closure(session: Session, wanted: ReportFilter) -> list[WeekClosure]:
    """Closure rate of each week's cohort of opened cases, for the trend line."""
    week = week_start(Case.opened_at)
    kept = Case.status != CaseStatus.CANCELLED
    query = (
        sa.select(
            week,
            sa.func.count().filter(kept),
            sa.func.count().filter(kept, Case.status.in_(CLOSED)),
        )
        .group_by(week)
        .order_by(week)
    )
    rows = session.execute(of_cases(query, wanted)).all()
    return [WeekClosure(w, total, closed, rate(closed, total)) for w, total, closed in rows]
