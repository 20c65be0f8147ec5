"""The voice of the customer: how comments feel, and what detractors keep saying, per touchpoint.

The sentiment split is an SQL count over the polarity routing stored. Keywords need word
segmentation, which SQL cannot do, so they are read from the most recent detractor comments of
each touchpoint (at most `sample` each, picked in SQL with a window function): a bounded cost
whatever the period, and the recent comments are the ones a manager can still act on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Response, ResponseTopic, Touchpoint
from app.services.reports.filters import ReportFilter
from surveys.keywords import top_keywords
from surveys.sentiment import NEAR_ZERO

KEYWORD_SAMPLE = 200
PAGE_SIZE = 50


@dataclass(frozen=True)
class SentimentSplit:
    negative: int  # polarity below -0.1
    neutral: int
    positive: int  # above 0.1
    unscored: int  # a comment routing has not analysed yet


def sentiment(session: Session, wanted: ReportFilter) -> SentimentSplit:
    """How the period's comments feel, by the polarity stored at routing."""
    row = session.execute(
        sa.select(
            sa.func.count().filter(Response.polarity < -NEAR_ZERO),
            sa.func.count().filter(Response.polarity.between(-NEAR_ZERO, NEAR_ZERO)),
            sa.func.count().filter(Response.polarity > NEAR_ZERO),
            sa.func.count().filter(Response.polarity.is_(None)),
        ).where(*wanted.responses(), Response.comment != "")
    ).one()
    return SentimentSplit(*row)


@dataclass(frozen=True)
class TouchpointWords:
    touchpoint: Touchpoint
    comments: int  # detractor comments read
    words: list[tuple[str, int]]  # (word, comments using it)


def detractor_keywords(
    session: Session, wanted: ReportFilter, *, sample: int = KEYWORD_SAMPLE, limit: int = 8
) -> list[TouchpointWords]:
    """Top words of each touchpoint's latest detractor comments, in journey order."""
    recent = (
        sa.select(
            Response.touchpoint_id,
            Response.comment,
            sa.func.row_number()
            .over(partition_by=Response.touchpoint_id, order_by=Response.submitted_at.desc())
            .label("rn"),
        )
        .where(*wanted.responses(), Response.nps_category == "detractor", Response.comment != "")
        .subquery()
    )
    comments: dict[int, list[str]] = defaultdict(list)
    for touchpoint_id, comment in session.execute(
        sa.select(recent.c.touchpoint_id, recent.c.comment).where(recent.c.rn <= sample)
    ):
        comments[touchpoint_id].append(comment)
    touchpoints = session.scalars(
        sa.select(Touchpoint)
        .where(Touchpoint.id.in_(list(comments)))
        .order_by(Touchpoint.journey_order, Touchpoint.name)
    )
    return [
        TouchpointWords(t, len(comments[t.id]), top_keywords(comments[t.id], limit))
        for t in touchpoints
    ]


@dataclass(frozen=True)
class ResponsePage:
    responses: list[Response]
    total: int
    page: int
    pages: int


def responses_page(
    session: Session,
    wanted: ReportFilter,
    *,
    keyword: str | None = None,
    category: str | None = None,
    topic: str | None = None,
    page: int = 1,
) -> ResponsePage:
    """The responses behind a figure, newest first: where a keyword or topic click leads."""
    conditions = wanted.responses()
    if keyword:
        conditions.append(Response.comment.icontains(keyword, autoescape=True))
    if topic:
        found = sa.select(ResponseTopic.response_id).where(ResponseTopic.topic == topic)
        conditions.append(Response.id.in_(found))
    if category:
        conditions.append(Response.nps_category == category)
    total = session.scalar(sa.select(sa.func.count()).select_from(Response).where(*conditions))
    pages = max(1, -(-(total or 0) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.scalars(
        sa.select(Response)
        .where(*conditions)
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return ResponsePage(list(rows), total or 0, page, pages)
