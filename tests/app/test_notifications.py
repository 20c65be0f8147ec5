"""Teams, assignees and the bank's CRM hear of cases, once each, from the timeline."""

import json
import threading
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import CaseEvent, OutboxCursor, OutboxMessage, utcnow
from app.services.cases.lifecycle import transition_case
from app.services.cases.notifications import Channels, publish_case_events
from app.services.cases.webhooks import signature
from app.worker.jobs import deliver_webhooks, notify_case_events, send_case_digests
from tests.conftest import free_port
from tests.factories import UserFactory


def queued(session, kind):
    session.expire_all()
    return sorted(
        m.recipient
        for m in session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind))
    )


def test_a_new_case_reaches_the_team_and_the_assignee_once(session, detractor_case):
    case = detractor_case()
    UserFactory(department=case.department, email="teammate@bank.example.com")
    case.assignee = UserFactory(department=case.department, email="owner@bank.example.com")
    session.commit()
    assert notify_case_events() == {"queued_case_new": 2, "queued_case_assigned": 1}
    assert notify_case_events() == {"queued": 0}  # the cursor moved on
    assert queued(session, "case_new") == ["owner@bank.example.com", "teammate@bank.example.com"]


def test_an_entry_waits_until_it_has_settled(session, detractor_case):
    """A slow transaction may commit a lower id later; the cursor must not step over it."""
    case = detractor_case()
    UserFactory(department=case.department, email="teammate@bank.example.com")
    session.commit()
    opened_at = session.scalar(sa.select(sa.func.max(CaseEvent.at)))
    channels = Channels("http://localhost")
    settle = timedelta(seconds=10)
    early = publish_case_events(session, now=opened_at, channels=channels, settle=settle)
    assert early == Counter()
    later = opened_at + settle
    assert publish_case_events(session, now=later, channels=channels, settle=settle) == Counter(
        case_new=1
    )


def test_two_publishers_starting_on_a_new_database_both_succeed(postgres, session, detractor_case):
    """Both make the cursor's row; the second waits for the first one's commit, then reads it.
    (On SQLite one writer is let in at a time, so there is no race to lose.)"""
    detractor_case()
    session.commit()
    channels, outcome = Channels("http://localhost"), {}
    with Session(db.engine) as first, Session(db.engine) as second:
        publish_case_events(first, now=utcnow(), channels=channels, settle=timedelta(0))

        def publish_second():
            try:
                publish_case_events(second, now=utcnow(), channels=channels, settle=timedelta(0))
                second.commit()
                outcome["second"] = "published"
            except sa.exc.DBAPIError as error:
                outcome["second"] = type(error.orig).__name__

        racer = threading.Thread(target=publish_second)
        racer.start()
        racer.join(0.5)  # blocked on the first one's row
        first.commit()
        racer.join(10)
    assert outcome == {"second": "published"}
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxCursor)) == 1


def test_a_digest_department_gets_one_summary_a_day(session, detractor_case):
    case = detractor_case()
    case.department.notify_mode = "digest"
    UserFactory(department=case.department, email="team@bank.example.com")
    session.commit()
    assert notify_case_events() == {"queued": 0}
    assert send_case_digests() == {"digests_queued": 1}
    assert send_case_digests() == {"digests_queued": 0}  # not again the same day
    [digest] = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "case_digest"))
    assert f"/cases/{case.id}" in digest.body_text


class Crm(BaseHTTPRequestHandler):
    received: ClassVar[list] = []
    answer: ClassVar[int] = 200

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Crm.received.append((dict(self.headers), body))
        self.send_response(Crm.answer)
        self.end_headers()

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def crm(app):
    Crm.received, Crm.answer = [], 200
    server = HTTPServer(("127.0.0.1", free_port()), Crm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        WEBHOOK_URL=f"http://127.0.0.1:{server.server_port}/touchloop", WEBHOOK_SECRET="s3"
    )
    yield Crm
    app.config.update(WEBHOOK_URL=None)
    server.shutdown()
    server.server_close()


def test_the_crm_gets_signed_calls_when_a_case_opens_and_closes(session, detractor_case, crm):
    case = detractor_case()
    notify_case_events()
    assert deliver_webhooks()["webhooks_sent"] == 1
    transition_case(session, case, "resolved", None, "done", now=utcnow())
    transition_case(session, case, "closed", None, "confirmed", now=utcnow())
    session.commit()
    notify_case_events()
    deliver_webhooks()
    events = [json.loads(body)["event"] for _, body in crm.received]
    assert events == ["case.opened", "case.closed"]
    headers, body = crm.received[0]
    assert headers["X-Touchloop-Signature"] == signature(
        "s3", headers["X-Touchloop-Timestamp"], body
    )
    assert json.loads(body)["case"]["id"] == case.id


@pytest.mark.parametrize(("answer", "status"), [(503, "pending"), (410, "failed")])
def test_a_failing_crm_is_retried_or_given_up_on(session, detractor_case, crm, answer, status):
    detractor_case()
    crm.answer = answer
    notify_case_events()
    deliver_webhooks()
    session.expire_all()
    call = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "webhook"))
    assert (call.status, call.attempts) == (status, 1)
    assert str(answer) in call.last_error
    assert call.answer.startswith(str(answer))  # the endpoint's page shows it


def test_a_call_queued_for_a_webhook_url_removed_since_is_not_sent(
    app, session, detractor_case, crm
):
    """Before, such calls waited for the variable to come back; now they fail, saying why."""
    detractor_case()
    notify_case_events()
    app.config.update(WEBHOOK_URL=None)
    assert deliver_webhooks()["webhooks_failed"] == 1
    session.expire_all()
    call = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "webhook"))
    assert (call.status, call.last_error) == ("failed", "not sent: WEBHOOK_URL is no longer set")
    assert crm.received == []
