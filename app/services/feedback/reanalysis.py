"""Reading every stored comment again after the taxonomy or the analyser changed.

A change starts an `AnalysisRun`; the worker leases the unfinished run (so one worker reads it
at a time) and reads comments in id order after `last_response_id`, a batch per transaction:
the batch's new sentiment and topics and the run's `done`/`last_response_id` commit together,
so a worker killed mid-run leaves the run where its last batch ended, and the next one resumes
there without counting a comment twice. The run's row moves only from the position the batch
started at, so a worker whose lease ran out meanwhile cannot count a batch another one read.
Responses still waiting for routing are left to it: routing reads them with the new taxonomy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AnalysisRun, Response, RoutingStatus
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.feedback.topic_analysis import replace_topics, taxonomy
from surveys.sentiment import analyse
from surveys.topics import assign_topics

BATCH = 500
TAXONOMY_CHANGED = "taxonomy changed"
ASKED = "asked"


@dataclass(frozen=True)
class Progress:
    """Where a run stands, as the admin page shows it."""

    done: int
    total: int
    finished_at: datetime | None
    started_at: datetime
    reason: str


def start_run(session: Session, *, reason: str, now: datetime) -> AnalysisRun:
    """A new run over every comment. An insert only, so the admin's request never waits for a
    worker's batch; the worker closes the older runs this one replaces (`claim_run`)."""
    run = AnalysisRun(reason=reason, total=_remaining(session, 0), created_at=now)
    session.add(run)
    session.flush()
    return run


def current_progress(session: Session) -> Progress | None:
    """The latest run's progress; None before any."""
    run = session.scalar(sa.select(AnalysisRun).order_by(AnalysisRun.id.desc()).limit(1))
    if run is None:
        return None
    return Progress(run.done, max(run.total, run.done), run.finished_at, run.created_at, run.reason)


def claim_run(session: Session, *, now: datetime, lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """Close the runs a newer one replaced, then lease the newest if its lease is free (a list
    of its id, or empty)."""
    newest = sa.select(sa.func.max(AnalysisRun.id)).scalar_subquery()
    session.execute(
        sa.update(AnalysisRun)
        .where(AnalysisRun.finished_at.is_(None), AnalysisRun.id < newest)
        .values(finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return claim_due(
        session, AnalysisRun, AnalysisRun.finished_at.is_(None), now=now, limit=1, lease=lease
    )


def read_batch(
    session: Session,
    run_id: int,
    *,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
    size: int = BATCH,
) -> int | None:
    """Read the run's next batch again and move the run past it (renewing the lease); the
    number read, 0 when the run is over (it is then finished), None when the run is not this
    worker's to read (a newer run replaced it, another worker is reading or moved it on): roll
    back then. The run's row stays locked until the batch commits, and a second worker skips it
    (PostgreSQL; SQLite lets one writer in at a time)."""
    run = session.scalar(
        sa.select(AnalysisRun)
        .where(AnalysisRun.id == run_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    newest = session.scalar(sa.select(sa.func.max(AnalysisRun.id)))
    if run is None or run.finished_at is not None or newest != run_id:
        return None
    start = run.last_response_id
    responses = list(
        session.scalars(
            sa.select(Response)
            .where(_readable(), Response.id > start)
            .order_by(Response.id)
            .limit(size)
        )
    )
    topics = taxonomy(session)
    for response in responses:
        sentiment = analyse(response.comment)
        response.polarity, response.comment_language = sentiment.polarity, sentiment.language
    replace_topics(session, {r.id: assign_topics(r.comment, topics) for r in responses})
    last = responses[-1].id if responses else start
    moved = session.execute(
        sa.update(AnalysisRun)
        .where(
            AnalysisRun.id == run_id,
            AnalysisRun.finished_at.is_(None),
            AnalysisRun.last_response_id == start,
        )
        .values(
            done=AnalysisRun.done + len(responses),
            last_response_id=last,
            # Counted once at the start (a count per batch would rescan the table); at the end
            # it is what was read, comments that arrived meanwhile included.
            total=AnalysisRun.total if responses else AnalysisRun.done,
            claimed_until=now + lease,
            finished_at=None if responses else now,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return None
    session.expire(run)
    return len(responses)


def release_run(session: Session, run_id: int) -> None:
    """Hand the run back before its lease ends, so the next tick's worker goes on at once."""
    session.execute(
        sa.update(AnalysisRun)
        .where(AnalysisRun.id == run_id)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )


def _readable() -> sa.ColumnElement[bool]:
    return sa.and_(Response.comment != "", Response.routing_status != RoutingStatus.PENDING)


def _remaining(session: Session, after: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(_readable(), Response.id > after)
        )
        or 0
    )
