"""The mail server is down for a while: messages stay queued and go out, once, when it returns."""

import time

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.models import OutboxMessage
from tests.conftest import Mailbox, free_port, start_worker, stop_worker
from tests.factories import scheduled_invitations
from tests.reliability.conftest import wait_for


def test_mail_queued_while_smtp_is_down_goes_out_once_when_it_returns(app, session):
    scheduled_invitations(session, 15)
    mailbox = Mailbox("127.0.0.1", free_port())  # nothing listens there yet
    worker = start_worker(
        app, MAIL_SERVER=mailbox.host, MAIL_PORT=str(mailbox.port), OUTBOX_FIRST_RETRY_SECONDS="1"
    )
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    try:
        failed = sa.select(sa.func.count()).where(OutboxMessage.last_error != "")

        def refused_once() -> bool:
            session.expire_all()
            return session.scalar(failed) == 15

        wait_for(refused_once, seconds=30)
        refused_while_down = session.scalar(failed)
        time.sleep(2)
        controller.start()
        wait_for(lambda: len(mailbox.messages) >= 15, seconds=40)
        time.sleep(1.5)  # a duplicate would arrive now
    finally:
        output = stop_worker(worker)
        controller.stop()
    assert refused_while_down == 15, output
    recipients = [message["To"] for message in mailbox.messages]
    assert len(recipients) == len(set(recipients)) == 15, output
    session.expire_all()
    statuses = session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert all(status == "sent" and attempts >= 2 for status, attempts in statuses)
