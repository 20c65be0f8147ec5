"""The workflow clock keeps ticking: through a database error in a job, and after missed ticks."""

import logging
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from app.extensions import db
from app.models import utcnow
from app.worker import jobs, scheduler
from app.worker.scheduler import configure
from tests.conftest import start_worker, stop_worker


def test_a_database_error_in_a_job_is_logged_and_the_next_tick_runs(app, monkeypatch, caplog):
    runs = []

    def flaky() -> dict[str, int]:
        runs.append(time.monotonic())
        if len(runs) == 1:
            db.session.execute(sa.text("SELECT * FROM no_such_table"))  # a real database error
        return {"done": db.session.scalar(sa.text("SELECT 1"))}

    monkeypatch.setattr(jobs, "JOBS", {"flaky": flaky})
    monkeypatch.setattr(scheduler, "JOBS", {"flaky": flaky})
    app.config["WORKFLOW_TICK_SECONDS"] = 1
    clock = configure(BackgroundScheduler(), app, persistent=False)
    with caplog.at_level(logging.ERROR, logger="app.worker.jobs"):
        clock.start()
        try:
            deadline = time.monotonic() + 10
            while len(runs) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            clock.shutdown(wait=True)
            app.config["WORKFLOW_TICK_SECONDS"] = 10
    assert len(runs) >= 3  # the clock outlived the failure
    assert "workflow job flaky failed; it runs again on the next tick" in caplog.text


def test_a_tick_missed_by_an_hour_runs_once_not_never_and_not_sixty_times(app, monkeypatch):
    ran = threading.Event()
    calls = []

    def late() -> dict[str, int]:
        calls.append(utcnow())
        ran.set()
        return {}

    monkeypatch.setattr(jobs, "JOBS", {"late": late})
    monkeypatch.setattr(scheduler, "JOBS", {"late": late})
    app.config["WORKFLOW_TICK_SECONDS"] = 60
    clock = configure(BackgroundScheduler(), app, persistent=False)
    clock.start(paused=True)
    try:
        # As after a stopped worker or a starved thread pool: the tick is an hour overdue.
        clock.modify_job("late", next_run_time=utcnow() - timedelta(hours=1))
        clock.resume()
        assert ran.wait(timeout=10), "a late tick was dropped"
        time.sleep(1)
    finally:
        clock.shutdown(wait=True)
        app.config["WORKFLOW_TICK_SECONDS"] = 10
    assert len(calls) == 1  # coalesced: the sixty missed runs are one


def test_a_worker_stopped_by_sigterm_exits_cleanly_whenever_the_signal_lands(postgres):
    """Four stops at different moments of the clock's second: exit 0 and no error logged.

    Shutting down inside the signal handler logged an error per due job in about half the
    stops (the clock's loop went on handing jobs to the stopped pool), and raising out of the
    handler once left a database call half done and the worker exiting 1.
    """
    outputs = []
    for pause in (0.4, 0.9, 1.4, 1.9):
        worker = start_worker(postgres)
        for line in worker.stdout:  # until its clock runs and SIGTERM is its own to handle
            if line.startswith("worker: running"):
                break
        time.sleep(pause)
        outputs.append((stop_worker(worker), worker.returncode))
    assert [code for _output, code in outputs] == [0, 0, 0, 0], outputs
    assert not [output for output, _code in outputs if "ERROR" in output], outputs
