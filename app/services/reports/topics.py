"""What customers talk about: per topic, how many comments, what share of all comments and of
detractors' comments, the NPS of those comments, where (per touchpoint), and which topics are
rising against the previous period of the same length.

Topics are counted from the matches stored per response (`ResponseTopic`), so the figures are
those of the latest analysis. A comment is a response of the view with a non-empty comment; a
detractor answered NPS 0-6. Every count is a grouped SQL aggregate; the per-topic totals are the
per-(topic, touchpoint) counts added up, which is exact because a response has one touchpoint
and at most one match per topic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Response, ResponseTopic, Touchpoint
from app.models import Topic as StoredTopic
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import rate
from surveys.topics import default_taxonomy

RISING_MIN_COMMENTS = 5
RISING_LIMIT = 5


@dataclass(frozen=True)
class TopicName:
    """A topic as people read it: `name` and `name_zh` for `local_name`, the code for links."""

    code: str
    name: str
    name_zh: str


def topic_names(session: Session) -> list[TopicName]:
    """The active topics in the admin's order; the shipped taxonomy's names while the table is
    still empty (it is seeded by the first analysis, which a report does not run)."""
    stored = session.scalars(
        sa.select(StoredTopic).where(StoredTopic.active).order_by(StoredTopic.position)
    ).all()
    if stored:
        return [TopicName(t.code, t.name, t.name_zh) for t in stored]
    if session.scalar(sa.select(sa.func.count()).select_from(StoredTopic)):
        return []  # every topic switched off
    return [TopicName(t.code, t.name_en, t.name_zh) for t in default_taxonomy()]


@dataclass(frozen=True)
class TopicFigures:
    topic: TopicName
    comments: int
    share: float | None  # of all the view's comments
    detractor_comments: int
    detractor_share: float | None  # of the view's detractors' comments
    nps_n: int
    promoters: int
    detractors: int
    nps: float | None  # hidden below the minimum sample

    @property
    def nps_raw(self) -> float | None:
        """The NPS whatever the sample, to show a small one faded rather than drop it."""
        if not self.nps_n:
            return None
        return round(100 * (self.promoters - self.detractors) / self.nps_n, 1)


@dataclass(frozen=True)
class RisingTopic:
    topic: TopicName
    comments: int
    previous_comments: int
    share: float | None
    previous_share: float | None

    @property
    def share_change(self) -> float:
        """The change of share in percentage points (a share of none is 0)."""
        return round(100 * ((self.share or 0) - (self.previous_share or 0)), 1)


@dataclass(frozen=True)
class TopicReport:
    comments: int  # all the view's comments
    detractor_comments: int
    topics: list[TopicFigures]  # the topics with comments, most talked about first
    touchpoints: list[Touchpoint]  # the touchpoints with a topic, in journey order
    by_touchpoint: dict[str, dict[int, int]]  # topic code -> touchpoint id -> comments
    rising: list[RisingTopic]  # fastest-rising share first
    previous_comments: int


def topic_report(session: Session, wanted: ReportFilter, *, min_sample: int) -> TopicReport:
    """The topic figures of the view, and the rising topics against the previous period."""
    names = topic_names(session)
    comments, detractor_comments = _comment_totals(session, wanted)
    cells = _topic_cells(session, wanted, [n.code for n in names])
    by_touchpoint: dict[str, dict[int, int]] = defaultdict(dict)
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for code, touchpoint_id, *counts in cells:
        by_touchpoint[code][touchpoint_id] = counts[0]
        sums[code] = [a + b for a, b in zip(sums[code], counts, strict=True)]
    figures = [_figures(n, sums[n.code], comments, detractor_comments, min_sample) for n in names]
    figures = sorted((f for f in figures if f.comments), key=lambda f: -f.comments)
    touchpoints = session.scalars(
        sa.select(Touchpoint)
        .where(Touchpoint.id.in_({tp for row in by_touchpoint.values() for tp in row}))
        .order_by(Touchpoint.journey_order, Touchpoint.name)
    ).all()
    previous = wanted.previous()
    before_total, before = (0, {}) if previous is None else _period_counts(session, previous, names)
    return TopicReport(
        comments=comments,
        detractor_comments=detractor_comments,
        topics=figures,
        touchpoints=list(touchpoints),
        by_touchpoint=dict(by_touchpoint),
        rising=_rising(figures, before, comments, before_total) if previous else [],
        previous_comments=before_total,
    )


def _commented(wanted: ReportFilter) -> list[sa.ColumnElement[bool]]:
    return [*wanted.responses(), Response.comment != ""]


def _comment_totals(session: Session, wanted: ReportFilter) -> tuple[int, int]:
    """(comments, detractors' comments) of the view."""
    total, detractors = session.execute(
        sa.select(
            sa.func.count(), sa.func.count().filter(Response.nps_category == "detractor")
        ).where(*_commented(wanted))
    ).one()
    return int(total), int(detractors)


def _topic_cells(
    session: Session, wanted: ReportFilter, codes: Sequence[str]
) -> list[tuple[str, int, int, int, int, int, int]]:
    """(topic, touchpoint id, comments, detractors' comments, NPS answers, promoters,
    detractors) of the view's comments with a topic."""
    detractor = sa.func.count().filter(Response.nps_category == "detractor")
    rows = session.execute(
        sa.select(
            ResponseTopic.topic,
            Response.touchpoint_id,
            sa.func.count(),
            detractor,
            sa.func.count(Response.nps),
            sa.func.count().filter(Response.nps_category == "promoter"),
            detractor,
        )
        .join(Response, Response.id == ResponseTopic.response_id)
        .where(*_commented(wanted), ResponseTopic.topic.in_(codes))
        .group_by(ResponseTopic.topic, Response.touchpoint_id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _period_counts(
    session: Session, wanted: ReportFilter, names: Sequence[TopicName]
) -> tuple[int, dict[str, int]]:
    """(comments, topic code -> comments with it) of a period."""
    total = _comment_totals(session, wanted)[0]
    counts = session.execute(
        sa.select(ResponseTopic.topic, sa.func.count())
        .join(Response, Response.id == ResponseTopic.response_id)
        .where(*_commented(wanted), ResponseTopic.topic.in_([n.code for n in names]))
        .group_by(ResponseTopic.topic)
    )
    return total, {code: int(n) for code, n in counts}


def _figures(
    name: TopicName, counts: list[int], comments: int, detractor_comments: int, min_sample: int
) -> TopicFigures:
    n, detractor_n, nps_n, promoters, detractors = counts
    nps = 100 * (promoters - detractors) / nps_n if nps_n and nps_n >= min_sample else None
    return TopicFigures(
        topic=name,
        comments=n,
        share=rate(n, comments),
        detractor_comments=detractor_n,
        detractor_share=rate(detractor_n, detractor_comments),
        nps_n=nps_n,
        promoters=promoters,
        detractors=detractors,
        nps=None if nps is None else round(nps, 1),
    )


def _rising(
    figures: Sequence[TopicFigures], before: dict[str, int], total: int, before_total: int
) -> list[RisingTopic]:
    """The topics with enough comments now whose share grew most (then their count)."""
    rising = [
        RisingTopic(
            topic=f.topic,
            comments=f.comments,
            previous_comments=before.get(f.topic.code, 0),
            share=f.share,
            previous_share=rate(before.get(f.topic.code, 0), before_total),
        )
        for f in figures
        if f.comments >= RISING_MIN_COMMENTS
    ]
    grew = [r for r in rising if r.share_change > 0]
    grew.sort(key=lambda r: (-r.share_change, r.previous_comments - r.comments))
    return grew[:RISING_LIMIT]
