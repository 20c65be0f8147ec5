"""Operator commands for the workflow clock: `flask workflows run-once` and `flask worker`."""

from __future__ import annotations

import signal
from types import FrameType

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup

from workflows.jobs import run_once
from workflows.scheduler import configure

workflows_cli = AppGroup("workflows", help="Run the workflow jobs.")


@workflows_cli.command("run-once")
def run_once_command() -> None:
    """Run every due workflow job once and print what each did."""
    for name, result in run_once().items():
        done = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in result.items())
        click.echo(f"{name}: {done or 'nothing due'}")


@click.command("worker")
def worker_command() -> None:
    """Run the workflow jobs on the clock until stopped (SIGTERM or Ctrl-C stop it cleanly)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = configure(BlockingScheduler(), app, persistent=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        # Out of the scheduler's loop first, as Ctrl-C leaves it: shutting down from inside the
        # handler returned into a loop still handing due jobs to the stopped thread pool,
        # which logged an error for each of them.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(
        f"worker: running {len(scheduler.get_jobs())} jobs every "
        f"{app.config['WORKFLOW_TICK_SECONDS']} s"
    )
    try:
        scheduler.start()
    except KeyboardInterrupt:
        click.echo("worker: stopping after the running jobs finish")
        scheduler.shutdown(wait=True)
