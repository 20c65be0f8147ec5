"""The workflow jobs against a real database: claimed rows, no work twice, failures survived."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from app.models import Invitation, OutboxMessage, Response, utcnow
from app.services.database.claims import claim_due
from app.services.feedback.survey_versions import sync_surveys
from app.worker.jobs import _drain, route_responses, run_job, send_invitations
from tests.factories import (
    CustomerFactory,
    EventFactory,
    InvitationFactory,
    answer,
    scheduled_invitations,
)


def count(session, model, *where):
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_two_workers_at_once_send_each_invitation_exactly_once(app, session):
    scheduled_invitations(session, 120)
    totals, errors = [], []

    def worker():
        with app.app_context():
            try:
                while sent := send_invitations()["invitations_sent"]:
                    totals.append(sent)
            except Exception as error:  # surfaced below, with the thread's failure
                errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(totals) == 120
    assert count(session, OutboxMessage) == 120
    assert count(session, Invitation, Invitation.status == "sent") == 120


def test_a_claim_leases_rows_and_an_expired_lease_frees_them(app, session):
    scheduled_invitations(session, 3)
    now = utcnow()
    due = (Invitation.status == "scheduled",)
    first = claim_due(session, Invitation, *due, now=now, lease=timedelta(minutes=5))
    assert len(first) == 3
    assert claim_due(session, Invitation, *due, now=now + timedelta(minutes=4)) == []
    assert claim_due(session, Invitation, *due, now=now + timedelta(minutes=6)) == first


def test_invitations_wait_for_their_send_time(app, session):
    scheduled_invitations(session, 1, send_after=utcnow() + timedelta(hours=2))
    assert send_invitations()["invitations_sent"] == 0
    assert session.scalar(sa.select(Invitation.status)) == "scheduled"


def test_an_expired_or_unreachable_invitation_is_not_sent_and_says_why(app, session):
    sync_surveys(session)
    expired = InvitationFactory(status="scheduled", expires_at=utcnow() - timedelta(minutes=1))
    no_email = InvitationFactory(
        status="scheduled", event=EventFactory(customer=CustomerFactory(email=None))
    )
    session.commit()
    assert send_invitations() == {
        "invitations_sent": 0,
        "deferred": 0,
        "suppressed": 1,
        "expired": 1,
    }
    session.expire_all()
    assert (expired.status, no_email.status) == ("expired", "suppressed")
    assert "e-mail" in no_email.reason


def test_a_failing_job_is_logged_and_rolled_back_not_raised(app, session, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("app.worker.jobs.claim_unrouted", broken)
    assert run_job("route_responses") == {"failed": 1}
    assert "route_responses failed" in caplog.text
    monkeypatch.undo()
    assert route_responses() == {"cases_opened": 0}


def test_routing_twice_opens_one_case(app, session):
    sync_surveys(session)
    answer(session, InvitationFactory(), {"nps": 1})
    session.commit()
    assert route_responses() == {"cases_opened": 1}
    session.execute(sa.update(Response).values(routing_status="pending"))
    session.commit()
    assert route_responses() == {"cases_opened": 0}


def test_routing_stores_the_sentiment_of_the_comment(app, session):
    sync_surveys(session)
    for comment in ("The app keeps crashing and nobody helps, terrible", "柜员非常耐心，服务很好"):
        answers = {"nps": 5, "comment": comment}
        answer(session, InvitationFactory(), answers)
    session.commit()
    route_responses()
    session.expire_all()
    analysed = {r.comment_language: r.polarity for r in session.scalars(sa.select(Response))}
    assert analysed["en"] < 0 < analysed["zh-CN"]


def test_a_backlog_drain_is_over_before_the_next_tick_fires(app, monkeypatch):
    """A job still running when its next tick fires has that tick skipped, and waits a tick."""
    app.config["WORKFLOW_TICK_SECONDS"] = 1
    clock = [0.0]
    monkeypatch.setattr("app.worker.jobs.time.monotonic", lambda: clock[0])

    def endless_backlog(session, *, now, lease):
        return [1, 2]

    rows = 0
    for _row in _drain(endless_backlog):
        clock[0] += 0.125  # one row's work: a batch takes a quarter of the tick
        rows += 1
    assert rows > 2  # batch after batch
    assert clock[0] < 1.0
