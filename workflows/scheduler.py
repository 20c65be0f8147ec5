"""The workflow clock: APScheduler running every job on an interval.

APScheduler 3 must run in exactly one process per job store (see STACK.md), so it runs in the
dedicated `flask worker` process, or embedded in the one-process `make run`. The jobs claim their
rows in the database, so two workers overlapping by mistake still do no work twice.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.base import BaseScheduler
from flask import Flask

from workflows.jobs import JOBS, run_job

log = logging.getLogger(__name__)


def tick(app: Flask, name: str) -> None:
    """One run of one job inside the app's context, logging what it did."""
    with app.app_context():
        result = run_job(name)
    if any(result.values()):
        log.info("%s: %s", name, result)


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Add every job with an explicit id.

    coalesce: a worker that was paused runs a late job once, not once per missed tick.
    misfire_grace_time: a tick up to a whole interval late still runs instead of being dropped.
    max_instances=1: a slow run is never overlapped by the next tick of the same job.
    """
    seconds = app.config["WORKFLOW_TICK_SECONDS"]
    scheduler.configure(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": seconds},
    )
    for name in JOBS:
        scheduler.add_job(
            tick, "interval", seconds=seconds, id=name, args=[app, name], replace_existing=True
        )
    return scheduler
