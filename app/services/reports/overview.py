"""Everything the dashboard page shows for one filter, with the previous period beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.services.reports.filters import ReportFilter
from app.services.reports.loop import (
    AgeBucket,
    ClosedLoop,
    DepartmentCount,
    LeagueRow,
    WeekClosure,
    backlog,
    closed_loop,
    league_table,
    overdue_by_department,
    weekly_closure,
)
from app.services.reports.scores import (
    GroupBy,
    JourneyStep,
    ScoreRow,
    journey,
    overall,
    score_sets,
    scores,
)
from app.services.reports.voice import (
    SentimentSplit,
    TouchpointWords,
    detractor_keywords,
    sentiment,
)

# The page's scores of the period: the journey (by touchpoint), the stages and the weekly trend.
SCORE_GROUPS = (GroupBy.TOUCHPOINT, GroupBy.JOURNEY_STAGE, GroupBy.WEEK)


@dataclass(frozen=True)
class Overview:
    loop: ClosedLoop
    previous_loop: ClosedLoop | None
    scores: ScoreRow
    previous_scores: ScoreRow | None
    by_stage: list[ScoreRow]
    journey: list[JourneyStep]
    weekly_scores: list[ScoreRow]
    weekly_closure: list[WeekClosure]
    backlog: list[AgeBucket]
    overdue: list[DepartmentCount]
    league: list[LeagueRow]
    sentiment: SentimentSplit
    keywords: list[TouchpointWords]


def overview(
    session: Session, wanted: ReportFilter, *, now: datetime, min_sample: int, keyword_sample: int
) -> Overview:
    """The page's figures, each from SQL; the scores by touchpoint, journey stage and week share
    one pass over the period (see `score_sets`)."""
    before = wanted.previous()
    current = score_sets(session, wanted, SCORE_GROUPS, min_sample=min_sample)
    steps = journey(
        session, wanted, min_sample=min_sample, touchpoint_rows=current[GroupBy.TOUCHPOINT]
    )
    previous_rows = (
        scores(session, before, GroupBy.TOUCHPOINT, min_sample=min_sample) if before else None
    )
    return Overview(
        loop=closed_loop(session, wanted, now=now),
        previous_loop=closed_loop(session, before, now=now) if before else None,
        scores=overall(current[GroupBy.TOUCHPOINT], min_sample=min_sample),
        previous_scores=None
        if previous_rows is None
        else overall(previous_rows, min_sample=min_sample),
        by_stage=current[GroupBy.JOURNEY_STAGE],
        journey=steps,
        weekly_scores=current[GroupBy.WEEK],
        weekly_closure=weekly_closure(session, wanted),
        backlog=backlog(session, wanted, now=now),
        overdue=overdue_by_department(session, wanted, now=now),
        league=league_table(session, wanted, now=now),
        sentiment=sentiment(session, wanted),
        keywords=detractor_keywords(session, wanted, sample=keyword_sample),
    )
