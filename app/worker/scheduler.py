"""The workflow clock: APScheduler running every job on an interval.

APScheduler 3 must run in exactly one process per job store (see STACK.md), so the dedicated
`flask worker` keeps its jobs in a table of its own (`apscheduler_jobs_<WORKER_ID>`): a
restarted worker finds its schedule and runs a missed tick once. Two workers with different
ids may run side by side; the jobs claim their rows in the database, so neither does work twice.
`make run` embeds a scheduler with an in-memory store instead.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from flask import Flask

from app.worker.jobs import JOBS, run_job

log = logging.getLogger(__name__)
_app: Flask | None = None


class WorkflowScheduler(BackgroundScheduler):
    """APScheduler's background scheduler, minus a pass over due jobs after shutdown.

    Its loop, woken by shutdown() while waiting for the next tick, ran one more pass without
    looking at the state, and handed each due job to the thread pool shutdown had just
    stopped: an error logged per job on every stop. A pass now starts only under the job
    stores' lock, which shutdown also takes, and only while the scheduler is not stopped.
    """

    def _process_jobs(self) -> float | None:
        with self._jobstores_lock:
            if self.state == STATE_STOPPED:
                return None
            return super()._process_jobs()  # type: ignore[no-any-return]


def tick(name: str) -> None:
    """One run of one job inside the app's context, logging what it did."""
    assert _app is not None, "configure() sets the app before the scheduler starts"
    with _app.app_context():
        result = run_job(name)
    if any(result.values()):
        log.info("%s: %s", name, result)


def configure(scheduler: BaseScheduler, app: Flask, *, persistent: bool) -> BaseScheduler:
    """Add every job with an explicit id.

    The misfire settings are chosen so that no tick is ever dropped silently:
    coalesce=True: a worker that was stopped, paused or starved (database down, every thread
    busy) runs a late job once, not once per missed tick; the jobs drain whatever is due, so
    one run does the work of all the missed ones.
    misfire_grace_time=None: a late tick runs however late it is. APScheduler's default (1 s)
    skips a tick that waited too long for a thread and only logs a warning; the jobs are
    idempotent and claim their rows, so running late is always safe, and skipping never is.
    max_instances=1: a slow run is never overlapped by the next tick of the same job.
    """
    global _app
    _app = app
    seconds = app.config["WORKFLOW_TICK_SECONDS"]
    store = (
        SQLAlchemyJobStore(
            url=app.config["SQLALCHEMY_DATABASE_URI"],
            tablename=f"apscheduler_jobs_{app.config['WORKER_ID']}",
            engine_options={"pool_pre_ping": True},  # a restarted database leaves dead sockets
        )
        if persistent
        else MemoryJobStore()
    )
    scheduler.configure(
        timezone=UTC,
        # While the database is down the clock cannot read its jobs; it retries this often.
        jobstore_retry_interval=seconds,
        jobstores={"default": store},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    for name in JOBS:
        scheduler.add_job(
            tick, "interval", seconds=seconds, id=name, args=[name], replace_existing=True
        )
    return scheduler
