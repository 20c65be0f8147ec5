"""Two worker processes over the same due rows: every e-mail sent once, none missing."""

import time
from collections import Counter

import sqlalchemy as sa

from app.models import OutboxMessage, utcnow
from tests.conftest import start_worker, stop_worker
from tests.factories import scheduled_invitations

DUE = 300


def test_two_workers_send_every_invitation_exactly_once(app, session, smtp_server):
    scheduled_invitations(session, DUE)
    mail = {"MAIL_SERVER": smtp_server.host, "MAIL_PORT": str(smtp_server.port)}
    workers = [start_worker(app, WORKER_ID=name, **mail) for name in ("a", "b")]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(smtp_server.messages) < DUE:
            time.sleep(0.5)
        time.sleep(2)  # a duplicate would arrive now
    finally:
        outputs = [stop_worker(worker) for worker in workers]
    recipients = Counter(message["To"] for message in smtp_server.messages)
    assert len(recipients) == DUE, outputs  # no gaps
    assert max(recipients.values()) == 1  # no duplicates
    session.expire_all()
    attempts = session.scalars(sa.select(OutboxMessage.attempts)).all()
    assert len(attempts) == DUE and set(attempts) == {1}
    assert all(worker.returncode == 0 for worker in workers), outputs
    assert not any("ERROR" in output for output in outputs), outputs


MANY = 5000


def test_two_workers_on_postgresql_deliver_5000_queued_emails_no_duplicates_no_gaps(
    postgres, session, smtp_server
):
    session.execute(
        sa.insert(OutboxMessage),
        [
            {
                "kind": "bulk",
                "subject_key": str(n),
                "recipient": f"customer{n}@example.com",
                "subject": "Your feedback",
                "body_text": "Thank you",
                "body_html": "<p>Thank you</p>",
                "headers": {},
                "status": "pending",
                "attempts": 0,
                "last_error": "",
                "next_attempt_at": utcnow(),
            }
            for n in range(MANY)
        ],
    )
    session.commit()
    mail = {"MAIL_SERVER": smtp_server.host, "MAIL_PORT": str(smtp_server.port)}
    workers = [start_worker(postgres, WORKER_ID=name, **mail) for name in ("a", "b")]
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and len(smtp_server.messages) < MANY:
            time.sleep(0.5)
        time.sleep(2)  # a duplicate would arrive now
    finally:
        outputs = [stop_worker(worker) for worker in workers]
    recipients = Counter(message["To"] for message in smtp_server.messages)
    assert len(recipients) == MANY, outputs[0][-2000:]  # no gaps
    assert max(recipients.values()) == 1  # no duplicates
    session.expire_all()
    attempts = Counter(session.scalars(sa.select(OutboxMessage.attempts)))
    assert attempts == {1: MANY}
    assert not any("ERROR" in output for output in outputs), [o[-2000:] for o in outputs]
