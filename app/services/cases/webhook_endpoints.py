"""Webhook endpoints as admins set them up: where calls go, for which events, signed how.

Each endpoint has its own random secret, made here and handed back once to be shown once (in
the answer to the create or rotate request, nowhere else). Rotating keeps the previous secret
signing too for an overlap the admin chooses, so the receiver switches without refusing a call.
An endpoint is never deleted, only deactivated: its calls stop being queued, and those already
queued are not sent. Every change is on the audit log field by field, the secrets as "changed".

Calls are queued once per (event, endpoint): the outbox's unique key is the event's id and the
endpoint's. The environment's WEBHOOK_URL, when set, is one more target for the case events,
keyed by the event's id alone as it always was.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OutboxMessage, WebhookEndpoint
from app.services.database.paging import Page, page_of
from app.services.distribution.outbox import WEBHOOK, enqueue_once
from app.services.governance.edits import apply_edit, record_action

CASE_EVENTS = ("case.opened", "case.closed", "case.reopened", "case.cancelled")
RESPONSE_RECEIVED = "response.received"
EVENTS = (*CASE_EVENTS, RESPONSE_RECEIVED)
TEST_EVENT = "webhook.test"
EDITABLE = frozenset({"name", "url", "events", "active"})
ROTATED = frozenset({"secret", "previous_secret", "previous_secret_until"})
SECRET_BYTES = 32
DELIVERIES_SHOWN = 20


@dataclass(frozen=True)
class Target:
    """Where calls go: an endpoint, or the environment's WEBHOOK_URL (no endpoint id)."""

    endpoint_id: int | None
    url: str
    events: frozenset[str]


def targets(session: Session, environment_url: str | None) -> list[Target]:
    """The active endpoints, and the environment's URL for the case events when it is set."""
    found = [Target(None, environment_url, frozenset(CASE_EVENTS))] if environment_url else []
    rows = session.execute(
        sa.select(WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.events).where(
            WebhookEndpoint.active
        )
    )
    return found + [Target(row.id, row.url, frozenset(row.events)) for row in rows]


def queue_call(session: Session, target: Target, payload: dict[str, Any], *, now: datetime) -> bool:
    """Queue `payload` for `target` unless it already is; True if queued.

    The payload names its event ("case.opened") and the event's id ("case_event:12").
    """
    event_id = payload["event_id"]
    key = event_id if target.endpoint_id is None else f"{event_id}@{target.endpoint_id}"
    return enqueue_once(
        session,
        kind=WEBHOOK,
        subject_key=key,
        recipient=target.url,
        subject=payload["event"],
        body_text=json.dumps(payload),
        body_html="",
        next_attempt_at=now,
        endpoint_id=target.endpoint_id,
    )


def subject_of(endpoint: WebhookEndpoint) -> str:
    """The endpoint's name on the audit log."""
    return f"webhook:{endpoint.id}"


def create_endpoint(
    session: Session, values: dict[str, Any], *, actor: str
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint with a fresh secret; the secret is returned to be shown this once."""
    endpoint = WebhookEndpoint()
    session.add(endpoint)
    secret = _new_secret()
    apply_edit(
        session,
        endpoint,
        {**values, "secret": secret},
        EDITABLE | {"secret"},
        actor=actor,
        action="webhook.create",
        subject=lambda: subject_of(endpoint),
    )
    return endpoint, secret


def update_endpoint(
    session: Session, endpoint: WebhookEndpoint, values: dict[str, Any], *, actor: str
) -> None:
    """Change the name, URL, events or whether calls are sent; the secret stays."""
    apply_edit(
        session,
        endpoint,
        values,
        EDITABLE,
        actor=actor,
        action="webhook.update",
        subject=subject_of(endpoint),
    )


def rotate_secret(
    session: Session, endpoint: WebhookEndpoint, *, overlap: timedelta, now: datetime, actor: str
) -> str:
    """A new secret, returned to be shown once; the old one signs too until `now + overlap`.

    A rotation during an overlap keeps only the secret it replaces: two signatures at most.
    """
    secret = _new_secret()
    overlapping = overlap > timedelta(0)
    apply_edit(
        session,
        endpoint,
        {
            "secret": secret,
            "previous_secret": endpoint.secret if overlapping else None,
            "previous_secret_until": now + overlap if overlapping else None,
        },
        ROTATED,
        actor=actor,
        action="webhook.rotate",
        subject=subject_of(endpoint),
    )
    return secret


def fingerprint(endpoint: WebhookEndpoint) -> str:
    """Which secret a rotate form was shown with, so a resubmitted form rotates nothing.

    A second rotation would replace the previous secret, the one the receiver still holds,
    with the secret the first one showed and nobody has installed yet.
    """
    return hashlib.sha256(endpoint.secret.encode()).hexdigest()[:16]


def queue_test(session: Session, endpoint: WebhookEndpoint, *, now: datetime, actor: str) -> str:
    """Queue a `webhook.test` call to the endpoint through the outbox; the call's event id."""
    event_id = f"test:{secrets.token_hex(6)}"
    payload = {"event": TEST_EVENT, "event_id": event_id, "at": now.isoformat()}
    queue_call(session, Target(endpoint.id, endpoint.url, frozenset()), payload, now=now)
    record_action(
        session, actor=actor, action="webhook.test", subject=subject_of(endpoint), call=event_id
    )
    return event_id


def name_taken(session: Session, name: str, endpoint_id: int | None) -> bool:
    """Whether another endpoint already has this name."""
    clash = sa.select(WebhookEndpoint.id).where(
        WebhookEndpoint.name == name, WebhookEndpoint.id != (endpoint_id or 0)
    )
    return session.scalar(clash) is not None


def find_endpoints(session: Session, search: str, number: int) -> Page[WebhookEndpoint]:
    """One page of endpoints by name, those whose name or URL holds `search`."""
    query = sa.select(WebhookEndpoint).order_by(WebhookEndpoint.name)
    if search:
        wanted = search.lower()
        query = query.where(
            sa.or_(
                sa.func.lower(WebhookEndpoint.name).contains(wanted, autoescape=True),
                sa.func.lower(WebhookEndpoint.url).contains(wanted, autoescape=True),
            )
        )
    return page_of(session, query, number)


def last_deliveries(
    session: Session, endpoint_ids: list[int], *, environment: bool
) -> dict[int | None, OutboxMessage]:
    """Each endpoint's newest call (the environment's under None, when asked for)."""
    newest = (
        sa.select(sa.func.max(OutboxMessage.id))
        .where(OutboxMessage.kind == WEBHOOK, OutboxMessage.endpoint_id.in_(endpoint_ids))
        .group_by(OutboxMessage.endpoint_id)
    )
    found: dict[int | None, OutboxMessage] = {
        message.endpoint_id: message
        for message in session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(newest)))
    }
    if environment:
        calls = deliveries(session, None, limit=1)
        if calls:
            found[None] = calls[0]
    return found


def deliveries(
    session: Session, endpoint_id: int | None, limit: int = DELIVERIES_SHOWN
) -> list[OutboxMessage]:
    """The endpoint's newest calls (the environment's, for None), newest first."""
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.kind == WEBHOOK,
                OutboxMessage.endpoint_id.is_(None)
                if endpoint_id is None
                else OutboxMessage.endpoint_id == endpoint_id,
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)
