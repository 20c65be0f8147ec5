"""`flask worker` as the separate process it is in production: it ticks, and stops on SIGTERM."""

import time

import sqlalchemy as sa

from app.models import Invitation
from tests.conftest import start_worker, stop_worker
from tests.factories import scheduled_invitations


def test_the_worker_sends_due_invitations_and_stops_cleanly_on_sigterm(app, session):
    scheduled_invitations(session, 2)
    worker = start_worker(app)
    try:
        deadline, sent = time.monotonic() + 30, 0
        while time.monotonic() < deadline and sent < 2:
            time.sleep(0.3)
            session.expire_all()
            sent = session.scalar(sa.select(sa.func.count()).where(Invitation.status == "sent"))
    finally:
        output = stop_worker(worker)
    assert sent == 2, output
    assert worker.returncode == 0, output
    assert "stopping" in output
