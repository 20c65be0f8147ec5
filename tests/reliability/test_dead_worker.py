"""Rows claimed by a worker that died are taken over by another once the lease ends."""

import time
from datetime import timedelta

import sqlalchemy as sa

from app.models import Invitation, utcnow
from app.services.distribution.invitations import claim_due_invitations
from tests.conftest import start_worker, stop_worker
from tests.factories import scheduled_invitations

LEASE = 3


def test_a_dead_workers_claimed_invitations_are_sent_after_its_lease(app, session):
    scheduled_invitations(session, 20)
    claimed = claim_due_invitations(session, now=utcnow(), lease=timedelta(seconds=LEASE))
    session.commit()  # the claim is all the dead worker left behind
    assert len(claimed) == 20
    started = time.monotonic()
    worker = start_worker(app, WORKFLOW_LEASE_SECONDS=str(LEASE))
    try:
        sent = 0
        while time.monotonic() - started < 45 and sent < 20:
            time.sleep(0.3)
            session.expire_all()
            sent = session.scalar(sa.select(sa.func.count()).where(Invitation.status == "sent"))
    finally:
        output = stop_worker(worker)
    assert sent == 20, output
    assert time.monotonic() - started >= LEASE - 1  # not before the lease ran out
