"""How customers feel: NPS, CSAT, CES and response rate per touchpoint, department, segment,
journey stage or week, each with its sample size.

A score over a handful of answers is noise that people act on, so below the minimum sample
(`DASHBOARD_MIN_SAMPLE`) a score is None and only its sample size is shown. CES is the share of
"easy" answers, the top two points of the answer's own scale (4-5 of 5, 6-7 of 7), so surveys
on both scales can be added up. Response rate is answered ÷ sent over the invitations sent in
the period (follow-up surveys left out); a segment there is the customer's current one, because
an unanswered invitation has no copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Case,
    CaseStatus,
    Customer,
    Department,
    Invitation,
    InvitationStatus,
    Response,
    Touchpoint,
    TouchpointEvent,
)
from app.services.database.sqltime import week_label, week_monday
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import rate


class GroupBy(StrEnum):
    TOUCHPOINT = "touchpoint"
    DEPARTMENT = "department"
    SEGMENT = "segment"
    JOURNEY_STAGE = "journey_stage"
    WEEK = "week"


@dataclass(frozen=True)
class ScoreRow:
    key: str  # touchpoint or department code, segment, journey stage, or the week's Monday
    label: str
    responses: int
    nps_n: int
    promoters: int
    detractors: int
    nps: float | None
    csat_n: int
    satisfied: int
    csat: float | None  # % satisfied (4-5 of 5)
    ces_n: int
    easy: int
    ces: float | None  # % easy
    invitations_sent: int
    invitations_answered: int
    response_rate: float | None

    # The scores whatever the sample, for showing a small one as such (faded, "too few to
    # judge") rather than dropping it; None only when nobody answered.
    @property
    def nps_raw(self) -> float | None:
        return _raw(self.promoters - self.detractors, self.nps_n)

    @property
    def csat_raw(self) -> float | None:
        return _raw(self.satisfied, self.csat_n)

    @property
    def ces_raw(self) -> float | None:
        return _raw(self.easy, self.ces_n)


def _raw(part: int, sample: int) -> float | None:
    return round(100 * part / sample, 1) if sample else None


def _score(value: float, sample: int, min_sample: int) -> float | None:
    return round(value, 1) if sample and sample >= min_sample else None


def _response_key(group_by: GroupBy) -> sa.ColumnElement[Any]:
    return {
        GroupBy.TOUCHPOINT: Response.touchpoint_id,
        GroupBy.DEPARTMENT: Response.department_id,
        GroupBy.SEGMENT: Response.segment,
        GroupBy.JOURNEY_STAGE: Response.journey_stage,
        GroupBy.WEEK: week_monday(Response.submitted_at),
    }[group_by]


def _invitation_key(group_by: GroupBy) -> sa.ColumnElement[Any] | None:
    """The keys an invitation has of its own; the others are its touchpoint's."""
    return {
        GroupBy.SEGMENT: Customer.segment,
        GroupBy.WEEK: week_monday(Invitation.sent_at),
    }.get(group_by)


def _response_counts() -> list[sa.ColumnElement[int]]:
    """(responses, nps_n, promoters, detractors, csat_n, satisfied, ces_n, easy)."""
    return [
        sa.func.count(),
        sa.func.count(Response.nps),
        sa.func.count().filter(Response.nps_category == "promoter"),
        sa.func.count().filter(Response.nps_category == "detractor"),
        sa.func.count(Response.csat),
        sa.func.count().filter(Response.csat_satisfied.is_(True)),
        sa.func.count(Response.ces),
        sa.func.count().filter(Response.ces >= Response.ces_scale - 1),
    ]


def _answered(wanted: ReportFilter, groups: Sequence[GroupBy]) -> sa.Select[Any]:
    """The period's touchpoint responses, counted per combination of every group's key."""
    keys = [_response_key(group).label(group.value) for group in groups]
    return sa.select(*keys, *_response_counts()).where(*wanted.responses()).group_by(*keys)


def kept_invitations(
    query: sa.Select[Any], wanted: ReportFilter, *, customer_joined: bool = False
) -> sa.Select[Any]:
    """`query` over the touchpoint invitations sent in the period that the filter keeps
    (joining the customer for a segment unless `customer_joined`, the event for a branch)."""
    query = query.where(Invitation.event_id.is_not(None), Invitation.sent_at.is_not(None))
    if wanted.start is not None:
        query = query.where(Invitation.sent_at >= wanted.start)
    if wanted.end is not None:
        query = query.where(Invitation.sent_at < wanted.end)
    if wanted.touchpoint_id is not None:
        query = query.where(Invitation.touchpoint_id == wanted.touchpoint_id)
    if wanted.channel is not None:
        query = query.where(Invitation.channel == wanted.channel)
    facts = (
        (Touchpoint.department_id, wanted.department_id),
        (Touchpoint.journey_stage, wanted.journey_stage),
    )
    if chosen := [column == value for column, value in facts if value is not None]:
        query = query.where(Invitation.touchpoint_id.in_(sa.select(Touchpoint.id).where(*chosen)))
    if wanted.segment is not None:
        if not customer_joined:
            query = query.join(Customer, Customer.id == Invitation.customer_id)
        query = query.where(Customer.segment == wanted.segment)
    if wanted.branch is not None:
        query = query.join(TouchpointEvent, TouchpointEvent.id == Invitation.event_id).where(
            TouchpointEvent.attributes["branch"].as_string() == wanted.branch
        )
    return query


def _sent_invitations(wanted: ReportFilter, groups: Sequence[GroupBy]) -> sa.Select[Any]:
    """(keys..., sent, answered) over the touchpoint invitations sent in the period.

    Filtered to the chosen touchpoints first (so an index on the touchpoint can narrow the scan),
    counted per touchpoint, then joined to the touchpoints on those few rows rather than on
    every invitation: a touchpoint's department and journey stage are the same for all its
    invitations, so grouping on them after the count is exact.
    """
    own = {group: key for group in groups if (key := _invitation_key(group)) is not None}
    own_keys = [key.label(group.value) for group, key in own.items()]
    counted = sa.select(
        Invitation.touchpoint_id,
        *own_keys,
        sa.func.count().label("sent"),
        sa.func.count().filter(Invitation.status == InvitationStatus.ANSWERED).label("answered"),
    ).group_by(Invitation.touchpoint_id, *own_keys)
    if GroupBy.SEGMENT in own:
        counted = counted.join(Customer, Customer.id == Invitation.customer_id)
    counted = kept_invitations(counted, wanted, customer_joined=GroupBy.SEGMENT in own)
    per_touchpoint = counted.subquery()
    keys = {
        GroupBy.TOUCHPOINT: Touchpoint.id,
        GroupBy.DEPARTMENT: Touchpoint.department_id,
        GroupBy.JOURNEY_STAGE: Touchpoint.journey_stage,
        **{group: per_touchpoint.c[group.value] for group in own},
    }
    selected = [keys[group].label(group.value) for group in groups]
    return (
        sa.select(
            *selected, sa.func.sum(per_touchpoint.c.sent), sa.func.sum(per_touchpoint.c.answered)
        )
        .select_from(per_touchpoint)
        .join(Touchpoint, Touchpoint.id == per_touchpoint.c.touchpoint_id)
        .group_by(*selected)
    )


def _rolled_up(
    session: Session, fine: sa.Select[Any], groups: Sequence[GroupBy]
) -> dict[GroupBy, dict[Any, tuple[int, ...]]]:
    """The fine counts added up in SQL for each group alone: group -> key -> counts.

    The fine query is read once (a CTE); every count is additive, so each group's sums are
    exact. Keys are compared as text, the one type every group's key has (a week's Monday is
    formatted here, on a few rows, rather than on every response).
    """
    rows = fine.cte("fine")
    counts = [column for column in rows.c if column.name not in {g.value for g in groups}]
    parts = [
        sa.select(
            sa.literal(group.value, sa.String).label("grouping"),
            (
                week_label(rows.c[group.value])
                if group == GroupBy.WEEK
                else sa.cast(rows.c[group.value], sa.String)
            ).label("key"),
            *[sa.cast(sa.func.sum(column), sa.Integer) for column in counts],
        ).group_by(rows.c[group.value])
        for group in groups
    ]
    summed: dict[GroupBy, dict[Any, tuple[int, ...]]] = {group: {} for group in groups}
    for grouping, key, *values in session.execute(sa.union_all(*parts)):
        summed[GroupBy(grouping)][key] = tuple(values)
    return summed


def score_sets(
    session: Session, wanted: ReportFilter, groups: Sequence[GroupBy], *, min_sample: int
) -> dict[GroupBy, list[ScoreRow]]:
    """Scores for several groupings with one pass over the period's responses and one over its
    invitations (the page wants touchpoints, journey stages and weeks of the same rows).

    Each grouping has one row per group that has responses or sent invitations, in the group's
    natural order.
    """
    answered = _rolled_up(session, _answered(wanted, groups), groups)
    sent = _rolled_up(session, _sent_invitations(wanted, groups), groups)
    result: dict[GroupBy, list[ScoreRow]] = {}
    for group in groups:
        replied, invited = answered[group], sent[group]
        labels = _labels(session, group, set(replied) | set(invited))
        result[group] = [
            _row(code, label, replied.get(key, (0,) * 8) + invited.get(key, (0, 0)), min_sample)
            for key, (code, label) in labels.items()
        ]
    return result


def scores(
    session: Session, wanted: ReportFilter, group_by: GroupBy, *, min_sample: int
) -> list[ScoreRow]:
    """One row per group that has responses or sent invitations, in the group's natural order."""
    return score_sets(session, wanted, (group_by,), min_sample=min_sample)[group_by]


def _row(key: str, label: str, counts: tuple[int, ...], min_sample: int) -> ScoreRow:
    """Scores from counts, hidden below the minimum sample."""
    n, nps_n, promoters, detractors, csat_n, satisfied, ces_n, easy, invited, replied = counts
    return ScoreRow(
        key=key,
        label=label,
        responses=n,
        nps_n=nps_n,
        promoters=promoters,
        detractors=detractors,
        nps=_score(100 * (promoters - detractors) / (nps_n or 1), nps_n, min_sample),
        csat_n=csat_n,
        satisfied=satisfied,
        csat=_score(100 * satisfied / (csat_n or 1), csat_n, min_sample),
        ces_n=ces_n,
        easy=easy,
        ces=_score(100 * easy / (ces_n or 1), ces_n, min_sample),
        invitations_sent=invited,
        invitations_answered=replied,
        response_rate=rate(replied, invited),
    )


COUNTS = (
    "responses",
    "nps_n",
    "promoters",
    "detractors",
    "csat_n",
    "satisfied",
    "ces_n",
    "easy",
    "invitations_sent",
    "invitations_answered",
)


def overall(rows: list[ScoreRow], *, min_sample: int) -> ScoreRow:
    """The groups added up: every count is additive, so the whole is exact, not an average."""
    counts = tuple(sum(getattr(row, name) for row in rows) for name in COUNTS)
    return _row("all", "All", counts, min_sample)


def _labels(session: Session, group_by: GroupBy, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Group key (as text) -> (code, English label), ordered as people expect to read them."""
    if group_by in (GroupBy.TOUCHPOINT, GroupBy.DEPARTMENT):
        model = Touchpoint if group_by == GroupBy.TOUCHPOINT else Department
        order = (
            (Touchpoint.journey_order, Touchpoint.name)
            if group_by == GroupBy.TOUCHPOINT
            else (Department.name,)
        )
        found = session.scalars(
            sa.select(model).where(model.id.in_([int(key) for key in keys])).order_by(*order)
        )
        return {str(row.id): (row.code, row.name) for row in found}
    return {key: (key, key) for key in sorted(k for k in keys if k is not None)}


@dataclass(frozen=True)
class JourneyStep:
    touchpoint: Touchpoint
    scores: ScoreRow | None
    cases_opened: int
    cases_closed: int
    weakest: bool  # the lowest NPS on the journey (among scores above the minimum sample)


def journey(
    session: Session,
    wanted: ReportFilter,
    *,
    min_sample: int,
    touchpoint_rows: list[ScoreRow] | None = None,
) -> list[JourneyStep]:
    """Touchpoints in journey order (active ones, and any with answers) with scores and cases.

    `touchpoint_rows`, the period's scores by touchpoint, spare a pass when the caller has them.
    """
    if touchpoint_rows is None:
        touchpoint_rows = scores(session, wanted, GroupBy.TOUCHPOINT, min_sample=min_sample)
    by_code = {row.key: row for row in touchpoint_rows}
    cases = {
        touchpoint_id: (opened, closed)
        for touchpoint_id, opened, closed in session.execute(
            sa.select(
                Response.touchpoint_id,
                sa.func.count().filter(Case.status != CaseStatus.CANCELLED),
                sa.func.count().filter(Case.status.in_((CaseStatus.RESOLVED, CaseStatus.CLOSED))),
            )
            .select_from(Case)
            .join(Response, Response.id == Case.response_id)
            .where(*wanted.cases())
            .group_by(Response.touchpoint_id)
        )
    }
    query = sa.select(Touchpoint).where(sa.or_(Touchpoint.active, Touchpoint.code.in_(by_code)))
    if wanted.touchpoint_id is not None:
        query = query.where(Touchpoint.id == wanted.touchpoint_id)
    if wanted.department_id is not None:
        query = query.where(Touchpoint.department_id == wanted.department_id)
    if wanted.journey_stage is not None:
        query = query.where(Touchpoint.journey_stage == wanted.journey_stage)
    touchpoints = session.scalars(query.order_by(Touchpoint.journey_order, Touchpoint.name)).all()
    scored = [by_code[t.code].nps for t in touchpoints if t.code in by_code]
    lowest = min((nps for nps in scored if nps is not None), default=None)
    return [
        JourneyStep(
            touchpoint=t,
            scores=by_code.get(t.code),
            cases_opened=cases.get(t.id, (0, 0))[0],
            cases_closed=cases.get(t.id, (0, 0))[1],
            weakest=lowest is not None and t.code in by_code and by_code[t.code].nps == lowest,
        )
        for t in touchpoints
    ]
