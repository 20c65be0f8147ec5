"""The staff scorecard: how each person's cases went, for the people who lead them.

A person's cases are the period's cohort (cases opened in the period, the dashboard's filters
applied, cancelled ones left out) assigned to them now. Their times are the dashboard's: the
median elapsed hours from opening to first contact, and to close (resolved or closed). SLA met
is the share of their cases first resolved by the stored resolve deadline, among those whose
deadline fell due or was met (`loop.sla_counts`, as the league table counts it).

A rescued detractor is a case opened on a detractor's answer (NPS 0-6) that is closed because
the customer answered "yes" to "Is your issue resolved?" in the follow-up survey: the closure
kind "confirmed" that `feedback.followup.apply_followup` stores on that answer. A case reopened
since is not closed, so it does not count.

Department heads see their department's people, CX managers and admins everyone
(`may_see_scorecard`; the viewer's department is applied by `filters.scoped`). Each figure is an
SQL aggregate grouped by assignee: three queries whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.models import Case, CaseStatus, Response, Role, User
from app.services.database.sqltime import percentiles, seconds_between
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import CLOSED, in_hours, of_cases, rate, sla_counts


def may_see_scorecard(user: User) -> bool:
    """CX managers and admins see everyone's figures, a department head their department's;
    other staff see no one's (not even their own: it is a tool for leading a team)."""
    return user.sees_all_departments or (user.heads_department and user.department_id is not None)


@dataclass(frozen=True)
class PersonFigures:
    user: User | None  # None: the cases nobody is assigned to
    cases_handled: int
    median_hours_to_first_contact: float | None
    median_hours_to_close: float | None
    sla_met: int
    sla_due: int
    sla_met_rate: float | None
    detractor_cases: int
    detractors_rescued: int

    @property
    def name(self) -> str:
        """The person's name, their e-mail address when they have none."""
        return "" if self.user is None else self.user.name or self.user.email


def staff_scorecard(
    session: Session, wanted: ReportFilter, *, now: datetime
) -> list[PersonFigures]:
    """One row per person with cases in the view, and per active staff member of the view's
    department (of the bank, without one) who has none; the unassigned cases last."""
    kept = Case.status != CaseStatus.CANCELLED
    detractor = sa.and_(kept, Response.nps_category == "detractor")
    rescued = sa.and_(detractor, Case.status == CaseStatus.CLOSED, Case.closure_kind == "confirmed")
    met, due = sla_counts(wanted.as_of(now))
    counts = {
        who: row
        for who, *row in session.execute(
            sa.select(
                Case.assignee_id,
                sa.func.count().filter(kept),
                met,
                due,
                sa.func.count().filter(detractor),
                sa.func.count().filter(rescued),
            )
            .select_from(Case)
            .join(Response, Response.id == Case.response_id)
            .where(*wanted.cases())
            .group_by(Case.assignee_id)
        )
    }
    first_contact = _medians(session, wanted, Case.first_contact_at, kept)
    close = _medians(session, wanted, Case.resolved_at, Case.status.in_(CLOSED))
    people = _people(session, wanted, [who for who in counts if who is not None])
    rows = [
        _figures(user, counts.get(user.id), first_contact.get(user.id), close.get(user.id))
        for user in people
    ]
    if None in counts:
        rows.append(_figures(None, counts[None], first_contact.get(None), close.get(None)))
    return rows


def _figures(
    user: User | None,
    counts: list[int] | None,
    first_contact: float | None,
    close: float | None,
) -> PersonFigures:
    handled, met, due, detractors, rescued = counts or (0, 0, 0, 0, 0)
    return PersonFigures(
        user=user,
        cases_handled=handled,
        median_hours_to_first_contact=in_hours(first_contact),
        median_hours_to_close=in_hours(close),
        sla_met=met,
        sla_due=due,
        sla_met_rate=rate(met, due),
        detractor_cases=detractors,
        detractors_rescued=rescued,
    )


def _medians(
    session: Session,
    wanted: ReportFilter,
    end: sa.ColumnElement[datetime | None],
    *conditions: sa.ColumnElement[bool],
) -> dict[int | None, float | None]:
    """Assignee -> the median seconds from opening to `end`, over their cases that have one."""
    values = of_cases(
        sa.select(
            Case.assignee_id.label("who"), seconds_between(Case.opened_at, end).label("seconds")
        ).where(end.is_not(None), *conditions),
        wanted,
    ).subquery()
    rows = session.execute(percentiles(values, "seconds", (50,), by="who"))
    return {who: seconds for who, seconds in rows}


def _people(session: Session, wanted: ReportFilter, assignees: list[int]) -> list[User]:
    """The assignees, and the view's active staff, by department then name."""
    staff: list[Any] = [User.active, User.role == Role.STAFF]
    if wanted.department_id is not None:
        staff.append(User.department_id == wanted.department_id)
    found = session.scalars(
        sa.select(User)
        .where(sa.or_(User.id.in_(assignees), sa.and_(*staff)))
        .options(selectinload(User.department))
    ).all()
    return sorted(
        found,
        key=lambda u: (
            u.department is None,
            u.department.name if u.department else "",
            (u.name or u.email).casefold(),
        ),
    )
