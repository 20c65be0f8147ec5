"""`flask worker` as the separate process it is in production: it ticks, and stops on SIGTERM."""

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from app.models import Invitation
from tests.conftest import REPO
from tests.factories import scheduled_invitations


def test_the_worker_sends_due_invitations_and_stops_cleanly_on_sigterm(app, session):
    scheduled_invitations(session, 2)
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "WORKFLOW_TICK_SECONDS": "1",
        "MAIL_SERVER": "",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        sent = 0
        while time.monotonic() < deadline and sent < 2:
            time.sleep(0.3)
            session.expire_all()
            sent = session.scalar(sa.select(sa.func.count()).where(Invitation.status == "sent"))
        assert sent == 2
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, output
    assert "stopping" in output
