"""Telling people and the bank's systems about cases and responses, driven by append-only rows.

A publishing job reads new timeline entries past a cursor and queues, once each (the outbox's
unique key), the e-mails the department asked for (a new case at once, or a daily digest),
an e-mail to the assignee, and a webhook call to each endpoint subscribed to the entry's event.
Another reads new responses past a cursor of its own and queues a `response.received` call to
each endpoint subscribed to it; while none is, it just moves on (an endpoint hears of the
responses that come after it subscribed). Notifications never sit in the request that changed
the case or recorded the response, and a crash between two runs repeats nothing.

A cursor only moves past rows older than a settling time: ids are handed out when a
transaction writes, not when it commits, so a slow transaction's row can appear below ids
already seen. Waiting a little keeps the cursor from stepping over it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Case,
    CaseEvent,
    Customer,
    Department,
    OutboxCursor,
    Response,
    Touchpoint,
    User,
)
from app.services.cases.webhook_endpoints import RESPONSE_RECEIVED, Target, queue_call, targets
from app.services.database.upsert import dialect_insert
from app.services.distribution.letters import write_letter
from app.services.distribution.outbox import enqueue_once
from app.services.governance.bank_profile import bank_profile

CURSOR = "case_events"
RESPONSES_CURSOR = "responses"
SETTLE = timedelta(seconds=10)


class Reader(NamedTuple):
    """Who an e-mail goes to, and the language and time zone (None: the bank's) it is in."""

    address: str
    language: str
    zone: str | None


@dataclass(frozen=True)
class Channels:
    base_url: str
    webhook_url: str | None = None


def publish_case_events(
    session: Session,
    *,
    now: datetime,
    channels: Channels,
    settle: timedelta = SETTLE,
    batch: int = 500,
) -> Counter[str]:
    """Queue what the settled new timeline entries call for; what was queued, by kind."""
    start = _cursor_position(session, CURSOR)
    events = session.scalars(
        sa.select(CaseEvent)
        .where(CaseEvent.id > start, CaseEvent.at <= now - settle)
        .order_by(CaseEvent.id)
        .limit(batch)
        .options(  # what the e-mails and the webhook read, in a few queries, not a few per entry
            selectinload(CaseEvent.case).selectinload(Case.department),
            selectinload(CaseEvent.case).selectinload(Case.assignee),
            selectinload(CaseEvent.case)
            .selectinload(Case.response)
            .selectinload(Response.touchpoint),
            selectinload(CaseEvent.case)
            .selectinload(Case.response)
            .selectinload(Response.customer),
        )
    ).all()
    queued: Counter[str] = Counter()
    teams: dict[int, list[Reader]] = {}
    hooks = targets(session, channels.webhook_url) if events else []
    for event in events:
        case = event.case
        if event.kind in ("opened", "reassigned"):
            if case.department.notify_mode == "immediate":
                if case.department_id not in teams:
                    teams[case.department_id] = _team(session, case.department)
                for person in teams[case.department_id]:
                    queued["case_new"] += _email(
                        session, case, event, "case_new", person, now, channels
                    )
            if case.assignee is not None and event.kind == "opened":
                assignee = case.assignee
                person = Reader(assignee.email, assignee.locale, assignee.timezone)
                queued["case_assigned"] += _email(
                    session, case, event, "case_assigned", person, now, channels
                )
        moment = f"case.{'opened' if event.kind == 'opened' else event.to_status}"
        subscribed = [hook for hook in hooks if moment in hook.events]
        if subscribed:
            queued["webhook"] += _webhooks(session, case, event, moment, now, subscribed)
    if events:
        _move_cursor(session, CURSOR, start, events[-1].id)
    return queued


def publish_responses(
    session: Session, *, now: datetime, settle: timedelta = SETTLE, batch: int = 500
) -> int:
    """Queue a `response.received` call per settled new response and subscribed endpoint.

    Reads the response table past its cursor by primary key, so recording a response (the
    survey's hot path) does no extra work. The call carries no contact details nor words:
    the customer's external id, not their e-mail, name or comment.
    """
    start = _cursor_position(session, RESPONSES_CURSOR)
    settled = sa.and_(Response.id > start, Response.submitted_at <= now - settle)
    hooks = [hook for hook in targets(session, None) if RESPONSE_RECEIVED in hook.events]
    if not hooks:
        last = session.scalar(sa.select(sa.func.max(Response.id)).where(settled))
        if last is not None:
            _move_cursor(session, RESPONSES_CURSOR, start, last)
        return 0
    rows = session.execute(
        sa.select(Response, Touchpoint.code, Customer.external_id)
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .outerjoin(Customer, Customer.id == Response.customer_id)
        .where(settled)
        .order_by(Response.id)
        .limit(batch)
    ).all()
    payloads = [_response_payload(*row) for row in rows]
    queued = sum(queue_call(session, hook, p, now=now) for p in payloads for hook in hooks)
    if rows:
        _move_cursor(session, RESPONSES_CURSOR, start, rows[-1][0].id)
    return queued


def _response_payload(
    response: Response, touchpoint: str, customer_external_id: str | None
) -> dict[str, object]:
    return {
        "event": RESPONSE_RECEIVED,
        "event_id": f"response:{response.id}",
        "at": response.submitted_at.isoformat(),
        "response": {
            "id": response.id,
            "survey": response.survey_code,
            "survey_version": response.survey_version,
            "touchpoint": touchpoint,
            "submitted_at": response.submitted_at.isoformat(),
            "language": response.language,
            "scores": {
                "nps": response.nps,
                "nps_category": response.nps_category,
                "csat": response.csat,
                "csat_satisfied": response.csat_satisfied,
                "ces": response.ces,
                "ces_scale": response.ces_scale,
            },
            "customer_external_id": customer_external_id,
        },
    }


def _cursor_position(session: Session, name: str) -> int:
    """Where the cursor stands, its row made on first use. Two workers starting on a new
    database both make it: the second insert waits for the first and is skipped, not failed."""
    session.execute(
        dialect_insert(session, OutboxCursor)
        .values(name=name, position=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.scalars(sa.select(OutboxCursor.position).where(OutboxCursor.name == name)).one()


def _move_cursor(session: Session, name: str, start: int, position: int) -> None:
    """Past `position`, unless another publisher moved it from `start` first."""
    session.execute(
        sa.update(OutboxCursor)
        .where(OutboxCursor.name == name, OutboxCursor.position == start)
        .values(position=position)
    )


def send_digests(session: Session, *, now: datetime, channels: Channels) -> int:
    """Once a day, departments on "digest" get the list of cases opened since the last one."""
    sent = 0
    departments = session.scalars(
        sa.select(Department).where(
            Department.notify_mode == "digest",
            sa.or_(
                Department.last_digest_at.is_(None),
                Department.last_digest_at <= now - timedelta(days=1),
            ),
        )
    ).all()
    for department in departments:
        since = department.last_digest_at or now - timedelta(days=1)
        claimed = session.execute(
            sa.update(Department)
            .where(
                Department.id == department.id,
                Department.last_digest_at.is_not_distinct_from(department.last_digest_at),
            )
            .values(last_digest_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        cases = session.scalars(
            sa.select(Case)
            .where(Case.department_id == department.id, Case.opened_at > since)
            .order_by(Case.priority, Case.opened_at)
        ).all()
        if not cases:
            continue
        for address, language, zone in _team(session, department):
            context = {"department": department, "cases": cases, "base_url": channels.base_url}
            letter = write_letter(
                language,
                "case_digest",
                _digest_subject(len(cases), department.name),
                zone=zone,
                **context,
            )
            sent += enqueue_once(
                session,
                kind="case_digest",
                subject_key=f"digest:{department.id}:{now:%Y-%m-%d}:{address}",
                recipient=address,
                next_attempt_at=now,
                **letter._asdict(),
            )
    return sent


def _digest_subject(count: int, team: str) -> Callable[[], str]:
    return lambda: gettext("%(count)d new cases for %(team)s", count=count, team=team)


def _team(session: Session, department: Department) -> list[Reader]:
    """The team mailbox, in the bank's first language and zone, or every active staff member
    of the department, each in their own."""
    if department.notify_email:
        bank = bank_profile(session)
        return [Reader(department.notify_email, bank.languages[0], bank.timezone)]
    return [
        Reader(*row)
        for row in session.execute(
            sa.select(User.email, User.locale, User.timezone).where(
                User.department_id == department.id, User.active
            )
        )
    ]


def _email(
    session: Session,
    case: Case,
    event: CaseEvent,
    kind: str,
    person: Reader,
    now: datetime,
    channels: Channels,
) -> bool:
    address, language, zone = person
    context = {"case": case, "kind": kind, "link": f"{channels.base_url}/cases/{case.id}"}
    letter = write_letter(
        language,
        "case_notice",
        lambda: (
            gettext("New case %(id)s (%(priority)s)", id=case.id, priority=case.priority)
            if kind == "case_new"
            else gettext("Case %(id)s is assigned to you", id=case.id)
        ),
        zone=zone,
        **context,
    )
    return enqueue_once(
        session,
        kind=kind,
        subject_key=f"case_event:{event.id}:{address}",
        recipient=address,
        next_attempt_at=now,
        **letter._asdict(),
    )


def _webhooks(
    session: Session,
    case: Case,
    event: CaseEvent,
    moment: str,
    now: datetime,
    subscribed: list[Target],
) -> int:
    """Queue the entry's call to each subscribed target; how many were queued."""
    payload = {
        "event": moment,
        "event_id": f"case_event:{event.id}",
        "at": event.at.isoformat(),
        "case": {
            "id": case.id,
            "status": case.status,
            "priority": case.priority,
            "department": case.department.code,
            "touchpoint": case.response.touchpoint.code,
            "closure_kind": case.closure_kind,
            "customer_external_id": case.response.customer.external_id
            if case.response.customer
            else None,
        },
    }
    return sum(queue_call(session, hook, payload, now=now) for hook in subscribed)
