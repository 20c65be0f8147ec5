"""Operator commands for the workflow clock: `flask workflows run-once` and `flask worker`."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from app.worker.jobs import run_once
from app.worker.scheduler import WorkflowScheduler, configure

workflows_cli = AppGroup("workflows", help="Run the workflow jobs.")


@workflows_cli.command("run-once")
def run_once_command() -> None:
    """Run every due workflow job once and print what each did."""
    for name, result in run_once().items():
        done = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in result.items())
        click.echo(f"{name}: {done or 'nothing due'}")


@click.command("worker")
def worker_command() -> None:
    """Run the workflow jobs on the clock until stopped (SIGTERM or Ctrl-C stop it cleanly).

    The clock runs in its own thread and this one only waits for the signal, then shuts the
    clock down: shutting down inside a signal handler ran in the middle of whatever the
    thread was doing (the clock's own pass over due jobs, or, raised as an exception, a
    database call). From here, shutdown waits for a pass to end, then for the running jobs.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = configure(WorkflowScheduler(), app, persistent=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    click.echo(
        f"worker: running {len(scheduler.get_jobs())} jobs every "
        f"{app.config['WORKFLOW_TICK_SECONDS']} s"
    )
    scheduler.start()
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    click.echo("worker: stopping after the running jobs finish")
    scheduler.shutdown(wait=True)
