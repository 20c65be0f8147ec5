"""Telling people about cases, driven by the case timeline.

A publishing job reads new timeline entries past a cursor and queues, once each (the outbox's
unique key), the e-mails the department asked for (a new case at once, or a daily digest),
an e-mail to the assignee, and the webhook call to the bank's CRM. Notifications never sit in
the request that changed the case, and a crash between two runs repeats nothing.

The cursor only moves past entries older than a settling time: ids are handed out when a
transaction writes, not when it commits, so a slow transaction's entry can appear below ids
already seen. Waiting a little keeps the cursor from stepping over it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Session, selectinload

from app.models import Case, CaseEvent, CaseStatus, Department, OutboxCursor, Response, User
from app.services.database.upsert import dialect_insert
from app.services.distribution.letters import write_letter
from app.services.distribution.outbox import WEBHOOK, enqueue_once

CURSOR = "case_events"
HOOKED = {"opened", CaseStatus.CLOSED, CaseStatus.REOPENED, CaseStatus.CANCELLED}


@dataclass(frozen=True)
class Channels:
    base_url: str
    webhook_url: str | None = None


def publish_case_events(
    session: Session,
    *,
    now: datetime,
    channels: Channels,
    settle: timedelta = timedelta(seconds=10),
    batch: int = 500,
) -> Counter[str]:
    """Queue what the settled new timeline entries call for; what was queued, by kind."""
    start = _cursor_position(session)
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
    teams: dict[int, list[tuple[str, str]]] = {}
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
                person = (case.assignee.email, case.assignee.locale)
                queued["case_assigned"] += _email(
                    session, case, event, "case_assigned", person, now, channels
                )
        moment = "opened" if event.kind == "opened" else event.to_status
        if channels.webhook_url and moment in HOOKED:
            queued["webhook"] += _webhook(session, case, event, str(moment), now, channels)
    if events:
        session.execute(
            sa.update(OutboxCursor)
            .where(OutboxCursor.name == CURSOR, OutboxCursor.position == start)
            .values(position=events[-1].id)
        )
    return queued


def _cursor_position(session: Session) -> int:
    """Where the cursor stands, its row made on first use. Two workers starting on a new
    database both make it: the second insert waits for the first and is skipped, not failed."""
    session.execute(
        dialect_insert(session, OutboxCursor)
        .values(name=CURSOR, position=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.scalars(
        sa.select(OutboxCursor.position).where(OutboxCursor.name == CURSOR)
    ).one()


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
        for address, language in _team(session, department):
            context = {"department": department, "cases": cases, "base_url": channels.base_url}
            letter = write_letter(
                language,
                "case_digest",
                _digest_subject(len(cases), department.name),
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


def _team(session: Session, department: Department) -> list[tuple[str, str]]:
    """(address, language): the team mailbox, or every active staff member of the department."""
    if department.notify_email:
        return [(department.notify_email, "en")]
    return [
        (row.email, row.locale)
        for row in session.execute(
            sa.select(User.email, User.locale).where(
                User.department_id == department.id, User.active
            )
        )
    ]


def _email(
    session: Session,
    case: Case,
    event: CaseEvent,
    kind: str,
    person: tuple[str, str],
    now: datetime,
    channels: Channels,
) -> bool:
    address, language = person
    context = {"case": case, "kind": kind, "link": f"{channels.base_url}/cases/{case.id}"}
    letter = write_letter(
        language,
        "case_notice",
        lambda: (
            gettext("New case %(id)s (%(priority)s)", id=case.id, priority=case.priority)
            if kind == "case_new"
            else gettext("Case %(id)s is assigned to you", id=case.id)
        ),
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


def _webhook(
    session: Session, case: Case, event: CaseEvent, moment: str, now: datetime, channels: Channels
) -> bool:
    assert channels.webhook_url is not None
    payload = {
        "event": f"case.{moment}",
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
    return enqueue_once(
        session,
        kind=WEBHOOK,
        subject_key=f"case_event:{event.id}",
        recipient=channels.webhook_url,
        subject=f"case.{moment}",
        body_text=json.dumps(payload),
        body_html="",
        next_attempt_at=now,
    )
