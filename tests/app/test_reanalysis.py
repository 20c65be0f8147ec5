"""Reading stored comments again: in batches, resumable after a crash without counting a comment
twice, one worker at a time on a run, and a worker that lost its run counts nothing."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AnalysisRun, Response, ResponseTopic, Topic
from app.services.cases.case_routing import route_response
from app.services.feedback.reanalysis import (
    TAXONOMY_CHANGED,
    claim_run,
    current_progress,
    read_batch,
    start_run,
)
from app.services.feedback.survey_versions import sync_surveys
from app.services.feedback.topic_analysis import topic_rows
from app.worker.jobs import reanalyse_comments
from tests.factories import InvitationFactory, answer
from workflows.sla import BusinessCalendar

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
COMMENTS = [
    "Felt like a tortoise",
    "Nice people, no complaints",
    "A tortoise would beat them",
    "",  # no comment: nothing to read
    "Great branch, lovely staff",
    "tortoise again",
]


def stored_comments(session):
    """Routed responses (one without a comment), then the taxonomy changes: "tortoise" is now
    a waiting-time word that no stored comment was read with."""
    sync_surveys(session)
    ids = []
    for comment in COMMENTS:
        response_id = answer(session, InvitationFactory(), {"nps": 5, "comment": comment}, now=NOW)
        route_response(session, response_id, now=NOW, calendar=BusinessCalendar())
        ids.append(response_id)
    waiting = next(row for row in topic_rows(session) if row.code == "waiting_time")
    waiting.keywords_en = [*waiting.keywords_en, "tortoise"]
    session.execute(sa.update(Response).values(polarity=0.99))  # as an older analyser left it
    run = start_run(session, reason=TAXONOMY_CHANGED, now=NOW)
    session.commit()
    return run.id, [i for i, comment in zip(ids, COMMENTS, strict=True) if comment]


def tortoise_matches(session):
    rows = session.scalars(sa.select(ResponseTopic).where(ResponseTopic.topic == "waiting_time"))
    return sum("tortoise" in row.evidence for row in rows)


def test_an_interrupted_run_resumes_where_its_last_batch_ended_counting_each_comment_once(
    session,
):
    run_id, commented = stored_comments(session)
    assert session.get(AnalysisRun, run_id).total == 5
    assert claim_run(session, now=NOW, lease=LEASE) == [run_id]
    session.commit()
    assert read_batch(session, run_id, now=NOW, lease=LEASE, size=2) == 2
    session.commit()
    assert (current_progress(session).done, current_progress(session).total) == (2, 5)
    assert tortoise_matches(session) == 1
    assert read_batch(session, run_id, now=NOW, lease=LEASE, size=2) == 2
    session.rollback()  # the worker dies before its second batch commits
    assert session.get(AnalysisRun, run_id).last_response_id == commented[1]

    later = NOW + LEASE + timedelta(seconds=1)
    assert claim_run(session, now=later, lease=LEASE) == [run_id]  # the lease ran out
    session.commit()
    while read_batch(session, run_id, now=later, lease=LEASE, size=2):
        session.commit()
    session.commit()
    run = session.get(AnalysisRun, run_id)
    assert (run.done, run.total, run.finished_at is not None) == (5, 5, True)
    assert tortoise_matches(session) == 3
    polarities = session.scalars(sa.select(Response.polarity).where(Response.id.in_(commented)))
    assert 0.99 not in set(polarities)  # every comment scored again
    assert claim_run(session, now=later + LEASE * 2, lease=LEASE) == []


def test_a_leased_run_is_not_claimed_by_a_second_worker(session):
    run_id, _ = stored_comments(session)
    with Session(db.engine) as first, Session(db.engine) as second:
        assert claim_run(first, now=NOW, lease=LEASE) == [run_id]
        first.commit()
        assert claim_run(second, now=NOW + timedelta(minutes=1), lease=LEASE) == []
        second.commit()
        reading = NOW + timedelta(minutes=4)
        assert read_batch(first, run_id, now=reading, lease=LEASE, size=2) == 2
        first.commit()  # the lease is renewed with each batch
        assert claim_run(second, now=NOW + LEASE + timedelta(seconds=1), lease=LEASE) == []


def test_a_second_worker_never_reads_the_batch_another_is_reading(postgres, session):
    """Even with the lease run out (a worker stalled past it), the run's row stays locked while
    its batch is read, and a second worker passes it by instead of reading the same comments."""
    run_id, _ = stored_comments(session)
    with Session(db.engine) as first, Session(db.engine) as second:
        assert read_batch(first, run_id, now=NOW, lease=LEASE, size=2) == 2
        assert read_batch(second, run_id, now=NOW, lease=LEASE, size=2) is None
        second.rollback()
        first.commit()
        assert read_batch(second, run_id, now=NOW, lease=LEASE, size=2) == 2
        second.commit()
    session.expire_all()
    assert session.get(AnalysisRun, run_id).done == 4


def test_a_change_while_a_run_reads_starts_over_and_the_old_run_counts_nothing(session):
    run_id, _ = stored_comments(session)
    assert claim_run(session, now=NOW, lease=LEASE) == [run_id]
    session.commit()
    newer = start_run(session, reason=TAXONOMY_CHANGED, now=NOW).id
    session.commit()
    assert read_batch(session, run_id, now=NOW, lease=LEASE) is None
    session.rollback()
    assert claim_run(session, now=NOW, lease=LEASE) == [newer]
    assert session.get(AnalysisRun, run_id).finished_at is not None
    assert (current_progress(session).done, current_progress(session).total) == (0, 5)


def test_the_worker_job_reads_every_comment_and_finishes_the_run(session):
    run_id, _ = stored_comments(session)
    assert reanalyse_comments() == {"comments_read_again": 5}
    session.expire_all()
    run = session.get(AnalysisRun, run_id)
    assert (run.done, run.claimed_until, run.finished_at is not None) == (5, None, True)
    assert tortoise_matches(session) == 3
    assert reanalyse_comments() == {"comments_read_again": 0}
    assert session.scalar(sa.select(sa.func.count()).select_from(Topic)) > 0
