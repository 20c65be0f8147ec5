"""Outbox delivery against a real SMTP server on loopback: down, 4xx, 5xx, and back again."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import OutboxMessage, utcnow
from app.services.distribution.outbox import enqueue_email
from app.worker.jobs import deliver_outbox
from tests.conftest import free_port


@pytest.fixture
def queued(mail_app, session):
    message = enqueue_email(
        session,
        kind="invitation",
        subject_key="invitation:1",
        recipient="mei@example.com",
        subject="How did we do?",
        body_text="plain",
        body_html="<p>html</p>",
        now=utcnow(),
    )
    session.commit()
    return message.id


def queue_invitations(session, count):
    for number in range(count):
        enqueue_email(
            session,
            kind="invitation",
            subject_key=f"invitation:{number}",
            recipient=f"customer{number}@example.com",
            subject="How did we do?",
            body_text="plain",
            body_html="<p>html</p>",
            now=utcnow(),
        )
    session.commit()


def reload(session, message_id):
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def make_due(session, message_id):
    message = reload(session, message_id)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()


def test_a_message_is_sent_once(session, queued, smtp_server):
    assert deliver_outbox() == {"emails_sent": 1, "emails_retried": 0, "emails_failed": 0}
    assert deliver_outbox()["emails_sent"] == 0
    assert len(smtp_server.messages) == 1
    assert reload(session, queued).status == "sent"


def test_a_run_of_messages_shares_one_smtp_connection(mail_app, session, smtp_server):
    queue_invitations(session, 3)
    assert deliver_outbox()["emails_sent"] == 3
    assert (len(smtp_server.messages), smtp_server.greetings) == (3, 1)


def test_a_connection_the_server_dropped_is_replaced_and_the_message_sent_at_once(
    mail_app, session, smtp_server
):
    queue_invitations(session, 2)
    smtp_server.drop_at_mail = 2  # the kept connection is gone when the second message comes
    assert deliver_outbox() == {"emails_sent": 2, "emails_retried": 0, "emails_failed": 0}
    assert (len(smtp_server.messages), smtp_server.greetings) == (2, 2)


def test_a_down_server_keeps_the_message_queued_until_it_returns(
    mail_app, session, queued, smtp_server
):
    mail_app.config["MAIL_PORT"] = free_port()  # nothing listens there: connection refused
    assert deliver_outbox()["emails_retried"] == 1
    waiting = reload(session, queued)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert waiting.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert "refused" in waiting.last_error.lower() or "errno" in waiting.last_error.lower()

    assert deliver_outbox()["emails_retried"] == 0  # not due yet: back-off holds
    mail_app.config["MAIL_PORT"] = smtp_server.port
    make_due(session, queued)
    assert deliver_outbox()["emails_sent"] == 1
    assert len(smtp_server.messages) == 1


def test_a_temporary_refusal_is_retried(session, queued, smtp_server):
    smtp_server.reply = "451 4.3.0 try again later"
    assert deliver_outbox()["emails_retried"] == 1
    assert "451" in reload(session, queued).last_error
    smtp_server.reply = None
    make_due(session, queued)
    assert deliver_outbox()["emails_sent"] == 1


def test_a_permanent_refusal_fails_the_message_visibly(session, queued, smtp_server):
    smtp_server.reply = "550 5.1.1 no such mailbox"
    assert deliver_outbox()["emails_failed"] == 1
    failed = reload(session, queued)
    assert failed.status == "failed" and "550" in failed.last_error
    smtp_server.reply = None
    make_due(session, queued)
    assert deliver_outbox()["emails_sent"] == 0
    assert smtp_server.messages == []


def test_without_a_mail_server_messages_wait_in_the_outbox(app, session):
    enqueue_email(
        session,
        kind="invitation",
        subject_key="invitation:2",
        recipient="a@example.com",
        subject="s",
        body_text="t",
        body_html="h",
        now=utcnow(),
    )
    session.commit()
    assert deliver_outbox() == {"held_without_mail_server": 1}
    pending = session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == "pending"))
    assert pending == 1
