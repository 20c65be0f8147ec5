"""The workflow jobs: claim due rows, call a service per row, commit per row.

A job never assumes it is alone: rows are leased in the database first, and each row's work
is its own transaction, so a crash loses at most one row's progress and the lease brings it back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

from flask import current_app

from app.extensions import db
from app.models import utcnow
from app.services.cases import claim_unrouted, route_response
from app.services.invitations import claim_due_invitations, dispatch_invitation
from app.services.mailer import mail_configured, send_over_smtp
from app.services.outbox import DeliveryReport, claim_deliverable, deliver_one

log = logging.getLogger(__name__)


def _claim(claim: Callable[..., list[int]]) -> list[int]:
    ids = claim(db.session, now=utcnow())
    db.session.commit()
    return ids


def send_invitations() -> dict[str, int]:
    """Due invitations get their link and a queued e-mail."""
    sent = 0
    for invitation_id in _claim(claim_due_invitations):
        sent += dispatch_invitation(
            db.session,
            invitation_id,
            secret_key=current_app.config["SECRET_KEY"],
            base_url=current_app.config["BASE_URL"],
            now=utcnow(),
        )
        db.session.commit()
    return {"invitations_sent": sent}


def route_responses() -> dict[str, int]:
    """New responses are routed; a detractor opens a case."""
    opened = 0
    for response_id in _claim(claim_unrouted):
        opened += route_response(db.session, response_id, now=utcnow()) is not None
        db.session.commit()
    return {"cases_opened": opened}


def deliver_outbox() -> dict[str, int]:
    """Queued e-mail goes out over SMTP; without a mail server it waits in the outbox."""
    if not mail_configured():
        return {"held_without_mail_server": 1}
    report = DeliveryReport()
    for message_id in _claim(claim_deliverable):
        deliver_one(db.session, message_id, send_over_smtp, now=utcnow(), report=report)
        db.session.commit()
    return {f"emails_{key}": value for key, value in asdict(report).items()}


JOBS: dict[str, Callable[[], dict[str, int]]] = {
    "send_invitations": send_invitations,
    "route_responses": route_responses,
    "deliver_outbox": deliver_outbox,
}


def run_job(name: str) -> dict[str, int]:
    """Run one job by name; a failure is logged and rolled back, never left to kill the clock."""
    try:
        return JOBS[name]()
    except Exception:
        db.session.rollback()
        log.exception("workflow job %s failed; it runs again on the next tick", name)
        return {"failed": 1}


def run_once() -> dict[str, dict[str, int]]:
    """Every job once, in the order of the feedback line."""
    return {name: run_job(name) for name in JOBS}
