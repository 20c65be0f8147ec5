"""The slice a report is about: a period and the facts a response carries, scoped to the viewer.

Responses are filtered on the columns copied at answer time, so history does not move when a
customer changes segment; cases on their own department (they may have been reassigned) and on
their response's touchpoint, journey stage, segment, branch and channel.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import FIRST_DAY, LAST_DAY, Case, Department, Response, Touchpoint, User
from app.services.feedback.responses import FOLLOWUP_SURVEY

DEFAULT_DAYS = 30


class FilterRefused(ValueError):
    """A filter that cannot be read: an unknown department or touchpoint code, or a day out of
    range; `field` names the parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReportFilter:
    """[start, end) in UTC (None: unbounded) and optional equality filters."""

    start: datetime | None = None
    end: datetime | None = None
    department_id: int | None = None
    touchpoint_id: int | None = None
    journey_stage: str | None = None
    segment: str | None = None
    branch: str | None = None
    channel: str | None = None

    def previous(self) -> ReportFilter | None:
        """The period of the same length just before this one, for comparison."""
        if self.start is None or self.end is None:
            return None
        length = self.end - self.start
        return dataclasses.replace(self, start=self.start - length, end=self.start)

    def as_of(self, now: datetime) -> datetime:
        """Deadlines count as fallen due up to the period's end, or now if that is sooner."""
        return now if self.end is None else min(self.end, now)

    def response_facts(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on a response's copied facts, the period left out."""
        facts = (
            (Response.touchpoint_id, self.touchpoint_id),
            (Response.journey_stage, self.journey_stage),
            (Response.segment, self.segment),
            (Response.branch, self.branch),
            (Response.channel, self.channel),
        )
        return [column == value for column, value in facts if value is not None]

    def responses(self) -> list[sa.ColumnElement[bool]]:
        """Conditions selecting touchpoint responses (not follow-ups) submitted in the period."""
        conditions = self.response_facts() + _period(Response.submitted_at, self)
        conditions.append(Response.survey_code != FOLLOWUP_SURVEY)
        if self.department_id is not None:
            conditions.append(Response.department_id == self.department_id)
        return conditions

    def cases(self, *, period: bool = True) -> list[sa.ColumnElement[bool]]:
        """Conditions on cases joined to their response: opened in the period (the cohort)."""
        conditions = self.response_facts()
        if period:
            conditions += _period(Case.opened_at, self)
        if self.department_id is not None:
            conditions.append(Case.department_id == self.department_id)
        return conditions


def _period(column: Any, wanted: ReportFilter) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if wanted.start is not None:
        conditions.append(column >= wanted.start)
    if wanted.end is not None:
        conditions.append(column < wanted.end)
    return conditions


def day_start(day: date, zone: tzinfo = UTC) -> datetime:
    """The UTC moment a calendar day begins in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def last_days(today: date, days: int = DEFAULT_DAYS) -> tuple[datetime, datetime]:
    """The last `days` days, today included."""
    return day_start(today - timedelta(days=days - 1)), day_start(today + timedelta(days=1))


def build_filter(
    session: Session,
    *,
    first_day: date | None,
    last_day: date | None,
    department: str | None = None,
    touchpoint: str | None = None,
    zone: tzinfo = UTC,
    **facts: str | None,
) -> ReportFilter:
    """A filter from what people type: whole days (the last included) of `zone`, and codes.

    The API speaks UTC days; the dashboard the viewer's, so "1 November" starts at midnight
    where the reader is.
    """
    for field, day in (("start", first_day), ("end", last_day)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise FilterRefused(field, f"{field} must be a day from {FIRST_DAY} to {LAST_DAY}")
    department_id = _id_of(session, Department, "department", department)
    touchpoint_id = _id_of(session, Touchpoint, "touchpoint", touchpoint)
    return ReportFilter(
        start=None if first_day is None else day_start(first_day, zone),
        end=None if last_day is None else day_start(last_day + timedelta(days=1), zone),
        department_id=department_id,
        touchpoint_id=touchpoint_id,
        **{key: value or None for key, value in facts.items()},
    )


def _id_of(session: Session, model: Any, field: str, code: str | None) -> int | None:
    if not code:
        return None
    found = session.scalar(sa.select(model.id).where(model.code == code))
    if found is None:
        raise FilterRefused(field, f"unknown {field} {code!r}")
    return int(found)


def scoped(wanted: ReportFilter, user: User | None) -> ReportFilter:
    """Staff see their own department's slice, whatever they asked for."""
    if user is None or user.sees_all_departments:
        return wanted
    return dataclasses.replace(wanted, department_id=user.department_id)
