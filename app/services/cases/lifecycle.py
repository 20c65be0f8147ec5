"""Working a case: every change follows the lifecycle and is written to the timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import (
    CONTACT_CHANNELS,
    OPEN_STATUSES,
    ROOT_CAUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Invitation,
    User,
)
from app.services.cases.inbox import visible_cases
from app.services.governance import audit
from workflows.case_transitions import check_transition
from workflows.sla import BusinessCalendar, add_business_hours, business_seconds


class VersionConflict(Exception):
    """Someone else changed the case since this page was loaded."""


class CaseRefused(ValueError):
    """An action the case does not allow, with a message staff can read."""


def _check_version(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise VersionConflict(
            _l("Someone else changed this case a moment ago. Reload it, then try again.")
        )


def add_note(
    session: Session,
    case: Case,
    actor: User,
    note: str,
    *,
    now: datetime,
    version: int | None = None,
) -> None:
    """A staff note on the timeline; it changes no status."""
    _check_version(case, version)
    record_event(session, case, actor, "note", None, None, note, now)


def transition_case(
    session: Session,
    case: Case,
    to_status: str,
    actor: User | None,
    note: str,
    *,
    now: datetime,
    version: int | None = None,
    calendar: BusinessCalendar | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move a case along its lifecycle, or raise IllegalTransition with a readable message;
    `data` goes on the timeline entry (a resolution's root cause).

    A case waiting on the customer stops waiting first, which needs the calendar to count the
    paused business time; without one the move is refused rather than miscounted.
    """
    _check_version(case, version)
    if to_status == CaseStatus.CANCELLED and not note.strip():
        raise CaseRefused(_l("Say why the case is cancelled."))
    from_status = case.status
    check_transition(from_status, to_status)
    if case.waiting_since is not None:
        if calendar is None:
            raise CaseRefused(_l("The case is waiting on the customer: resume the clock first."))
        _resume(session, case, actor, "", now, calendar)
    case.status = to_status
    if to_status == CaseStatus.RESOLVED:
        case.resolved_at = now
        case.first_resolved_at = case.first_resolved_at or now
    elif to_status == CaseStatus.CLOSED:
        case.closed_at = now
    elif to_status == CaseStatus.CANCELLED:
        case.closure_kind = "cancelled"
    elif to_status == CaseStatus.REOPENED:
        case.reopen_count += 1
        case.resolved_at = None
        case.closed_at = None
    record_event(session, case, actor, "status", from_status, to_status, note, now, data)


def resolve_case(
    session: Session,
    case: Case,
    actor: User,
    *,
    root_cause: str,
    summary: str,
    now: datetime,
    followup_days: int = 7,
    version: int | None = None,
    calendar: BusinessCalendar | None = None,
) -> None:
    """Resolve with the root cause and what was done (both required); the follow-up is queued."""
    if root_cause not in ROOT_CAUSES or not summary.strip():
        raise CaseRefused(_l("A root cause and a resolution summary are required to resolve."))
    transition_case(
        session,
        case,
        CaseStatus.RESOLVED,
        actor,
        summary,
        now=now,
        version=version,
        calendar=calendar,
        # Kept on the timeline too: a reopened case's next resolution may name another cause.
        data={"root_cause": root_cause},
    )
    case.root_cause, case.resolution_summary = root_cause, summary
    _schedule_followup(session, case, now=now, days=followup_days)


def _schedule_followup(session: Session, case: Case, *, now: datetime, days: int) -> None:
    """Ask the customer whether it is really resolved, if they may be asked."""
    response = case.response
    if response.customer_id is None or not response.consent_to_contact:
        return
    session.add(
        Invitation(
            case_id=case.id,
            customer_id=response.customer_id,
            touchpoint_id=response.touchpoint_id,
            send_after=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()


def record_contact(
    session: Session,
    case: Case,
    actor: User,
    *,
    channel: str,
    note: str,
    now: datetime,
    version: int | None = None,
) -> None:
    """The customer was contacted, and how; only when they agreed to be contacted."""
    _check_version(case, version)
    if channel not in CONTACT_CHANNELS:
        raise CaseRefused(f"Unknown channel {channel!r}.")
    if not case.response.consent_to_contact:
        raise CaseRefused(_l("The customer did not agree to be contacted about this answer."))
    case.first_contact_at = case.first_contact_at or now
    record_event(session, case, actor, "contacted", None, None, note, now, {"channel": channel})


def wait_on_customer(
    session: Session,
    case: Case,
    actor: User,
    *,
    note: str,
    now: datetime,
    version: int | None = None,
) -> None:
    """The case waits for the customer (documents, a call back): its resolve clock stops."""
    _check_version(case, version)
    if case.status not in OPEN_STATUSES:
        raise CaseRefused(_l("Only an open case can wait on the customer."))
    if case.waiting_since is not None:
        raise CaseRefused(_l("The case is already waiting on the customer."))
    case.waiting_since = now
    record_event(session, case, actor, "waiting", None, None, note, now)


def resume_clock(
    session: Session,
    case: Case,
    actor: User,
    *,
    note: str,
    now: datetime,
    calendar: BusinessCalendar,
    version: int | None = None,
) -> None:
    """The customer came back: the clock runs again, the deadline moved by the time waited."""
    _check_version(case, version)
    if case.waiting_since is None:
        raise CaseRefused(_l("The case is not waiting on the customer."))
    _resume(session, case, actor, note, now, calendar)


def _resume(
    session: Session,
    case: Case,
    actor: User | None,
    note: str,
    now: datetime,
    calendar: BusinessCalendar,
) -> None:
    """Count the business time waited, push the resolve deadline by it, note it."""
    assert case.waiting_since is not None
    paused = round(business_seconds(case.waiting_since, now, calendar))
    case.paused_seconds += paused
    if case.due_resolve_at is not None and paused:
        case.due_resolve_at = add_business_hours(case.due_resolve_at, paused / 3600, calendar)
    case.waiting_since = None
    data = {"paused_seconds": paused}
    record_event(session, case, actor, "resumed", None, None, note, now, data)


def reassign_case(
    session: Session,
    case: Case,
    actor: User,
    *,
    department_id: int,
    reason: str,
    now: datetime,
    version: int | None = None,
) -> None:
    """Hand the case to another department, with the reason on the timeline."""
    _check_version(case, version)
    if not reason.strip():
        raise CaseRefused(_l("Say why the case goes to another department."))
    if department_id == case.department_id:
        raise CaseRefused(_l("The case is already with that department."))
    data = {"from_department": case.department_id, "to_department": department_id}
    case.department_id, case.assignee_id = department_id, None
    record_event(session, case, actor, "reassigned", None, None, reason, now, data)


def colleagues(session: Session, department_id: int) -> list[User]:
    """Who a case of the department may be given to: its active people, by name."""
    return list(
        session.scalars(
            sa.select(User)
            .where(User.department_id == department_id, User.active)
            .order_by(User.name, User.email)
        )
    )


def may_assign(actor: User, case: Case) -> bool:
    """Staff give cases within their own department; CX managers and admins any case."""
    return actor.sees_all_departments or actor.department_id == case.department_id


def assign_case(
    session: Session,
    case: Case,
    actor: User,
    *,
    assignee_id: int,
    now: datetime,
    version: int | None = None,
) -> None:
    """Give an open case to a person of its department (the actor themself, or a colleague);
    the timeline says who did it and from whom to whom it went."""
    _check_version(case, version)
    if not may_assign(actor, case):
        raise CaseRefused(_l("Only the case's department or a CX manager can assign it."))
    if case.status not in OPEN_STATUSES:
        raise CaseRefused(_l("Only an open case can be assigned."))
    assignee = session.get(User, assignee_id)
    if assignee is None or not assignee.active or assignee.department_id != case.department_id:
        raise CaseRefused(_l("A case can only be assigned to an active member of its department."))
    if case.assignee_id == assignee_id:
        raise CaseRefused(_l("The case is already assigned to that person."))
    data = {"from_user": case.assignee_id, "to_user": assignee_id}
    case.assignee_id = assignee_id
    record_event(session, case, actor, "assigned", None, None, "", now, data)


def acknowledge_many(session: Session, user: User, case_ids: list[int], *, now: datetime) -> int:
    """Bulk acknowledge: new cases among those the user may see; the others are left alone."""
    cases = session.scalars(
        visible_cases(user).where(Case.id.in_(case_ids), Case.status == CaseStatus.NEW)
    ).all()
    for case in cases:
        transition_case(session, case, CaseStatus.ACKNOWLEDGED, user, "", now=now)
    return len(cases)


def record_event(
    session: Session,
    case: Case,
    actor: User | None,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """One timeline entry for every change to a case, and its entry in the audit log.

    The audit entry is written here, where every change of every caller (pages, API, jobs)
    passes, and carries what changed but not the note, which may quote the customer.
    """
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id if actor else None,
            at=now,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=data or {},
        )
    )
    session.flush()
    change = {"from": from_status, "to": to_status, **(data or {})}
    audit.record(session, audit.actor_of(actor), f"case.{kind}", f"case:{case.id}", change, at=now)
