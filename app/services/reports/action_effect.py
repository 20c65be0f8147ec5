"""Did an improvement action work? Its topic's share of comments and its touchpoint's NPS in
the four weeks before the day it went live and the four weeks after, week by week and in all.

A topic's share is the responses with a comment that carry the topic (ResponseTopic rows, the
latest reading) over the responses with a comment; on an action with a touchpoint too, both
are counted on that touchpoint's responses, since that is where the change was made. Weeks are
the bank's: they start at midnight in its zone, the go-live day opening the first week after.
Below the dashboard's minimum sample a figure is None ("too few to judge"), its sample shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import ImprovementAction, Response, ResponseTopic
from app.services.governance.bank_profile import bank_profile
from app.services.reports.filters import ReportFilter, day_start

WEEKS = 4


@dataclass(frozen=True)
class Figures:
    """Counts over a stretch of time, and the two figures made of them."""

    comments: int = 0
    on_topic: int = 0
    nps_n: int = 0
    promoters: int = 0
    detractors: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.comments + other.comments,
            self.on_topic + other.on_topic,
            self.nps_n + other.nps_n,
            self.promoters + other.promoters,
            self.detractors + other.detractors,
        )

    def share(self, min_sample: int) -> float | None:
        """The topic's share of comments in %, None under the minimum sample."""
        if not self.comments or self.comments < min_sample:
            return None
        return round(100 * self.on_topic / self.comments, 1)

    def nps(self, min_sample: int) -> float | None:
        if not self.nps_n or self.nps_n < min_sample:
            return None
        return round(100 * (self.promoters - self.detractors) / self.nps_n, 1)


@dataclass(frozen=True)
class Week:
    first_day: date
    offset: int  # -4..-1 before going live, 1..4 after
    figures: Figures
    ended: bool  # False for a week still running or to come: its figures are so far


@dataclass(frozen=True)
class ActionEffect:
    live_on: date
    weeks: list[Week]
    before: Figures
    after: Figures
    min_sample: int


def action_effect(
    session: Session, action: ImprovementAction, *, now: datetime, min_sample: int
) -> ActionEffect | None:
    """The before/after figures of an action that went live; None until it has."""
    if action.live_on is None:
        return None
    zone = ZoneInfo(bank_profile(session).timezone)
    days = [action.live_on + timedelta(weeks=n) for n in range(-WEEKS, WEEKS + 1)]
    edges = [day_start(day, zone) for day in days]
    counted = _counts(session, action, edges)
    weeks = [
        Week(
            first_day=days[i],
            offset=i - WEEKS if i < WEEKS else i - WEEKS + 1,
            figures=counted.get(i, Figures()),
            ended=edges[i + 1] <= now,
        )
        for i in range(2 * WEEKS)
    ]
    return ActionEffect(
        live_on=action.live_on,
        weeks=weeks,
        before=sum((w.figures for w in weeks[:WEEKS]), Figures()),
        after=sum((w.figures for w in weeks[WEEKS:]), Figures()),
        min_sample=min_sample,
    )


def _counts(
    session: Session, action: ImprovementAction, edges: list[datetime]
) -> dict[int, Figures]:
    """Figures per week (0-based) in one pass over the eight weeks' responses."""
    wanted = ReportFilter(start=edges[0], end=edges[-1], touchpoint_id=action.touchpoint_id)
    week = sa.case(
        *((Response.submitted_at < edge, i) for i, edge in enumerate(edges[1:-1])),
        else_=len(edges) - 2,
    ).label("week")
    commented = Response.comment != ""
    on_topic: Any = sa.false()
    if action.topic:
        on_topic = sa.exists().where(
            ResponseTopic.response_id == Response.id, ResponseTopic.topic == action.topic
        )
    rows = (
        sa.select(
            week,
            commented.label("commented"),
            sa.and_(commented, on_topic).label("on_topic"),
            Response.nps,
            Response.nps_category,
        )
        .where(*wanted.responses())
        .subquery()
    )
    counted = session.execute(
        sa.select(
            rows.c.week,
            sa.func.count().filter(rows.c.commented),
            sa.func.count().filter(rows.c.on_topic),
            sa.func.count(rows.c.nps),
            sa.func.count().filter(rows.c.nps_category == "promoter"),
            sa.func.count().filter(rows.c.nps_category == "detractor"),
        ).group_by(rows.c.week)
    )
    return {index: Figures(*counts) for index, *counts in counted}
