"""Opening cases from responses and working them; every change is written to the timeline."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Response,
    RoutingStatus,
    User,
)
from app.services.claims import DEFAULT_LEASE, claim_due
from app.services.routing import active_rules, facts_of, next_in_turn
from surveys.sentiment import analyse
from workflows.lifecycle import check_transition
from workflows.routing import route
from workflows.sla import BusinessCalendar, deadlines


def claim_unrouted(
    session: Session, *, now: datetime, limit: int = 100, lease: timedelta = DEFAULT_LEASE
) -> list[int]:
    """Lease responses that routing has not looked at yet."""
    return claim_due(
        session,
        Response,
        Response.routing_status == RoutingStatus.PENDING,
        now=now,
        limit=limit,
        lease=lease,
    )


def route_response(
    session: Session, response_id: int, *, now: datetime, calendar: BusinessCalendar
) -> Case | None:
    """Apply the routing rules to one response; opens at most one case, however often run."""
    response = session.get(Response, response_id)
    if response is None or response.routing_status != RoutingStatus.PENDING:
        return None
    response.routing_status = RoutingStatus.ROUTED
    response.claimed_until = None
    if response.comment and response.polarity is None:
        # Here, in the worker, not in the web request: SnowNLP takes seconds to import.
        sentiment = analyse(response.comment)
        response.polarity, response.comment_language = sentiment.polarity, sentiment.language
    event = response.invitation.event if response.invitation else None
    facts = facts_of(response, event.attributes if event else {})
    rules = active_rules(session)
    decision = route(facts, [rule for _, rule in rules])
    if decision is None:
        return None
    if session.scalar(sa.select(Case.id).where(Case.response_id == response.id)) is not None:
        return None
    due = deadlines(now, decision.first_contact_hours, decision.resolve_hours, calendar)
    assignee = decision.assignee_id
    if assignee is None and decision.round_robin:
        assignee = next_in_turn(session, decision.department_id)
    case = Case(
        response_id=response.id,
        department_id=decision.department_id,
        assignee_id=assignee,
        priority=decision.priority,
        rule=decision.rule,
        routing_rule_id=next(rule_id for rule_id, rule in rules if rule.name == decision.rule),
        reason=decision.reason,
        opened_at=now,
        due_first_contact_at=due.first_contact,
        due_resolve_at=due.resolve,
    )
    session.add(case)
    session.flush()
    _record(session, case, None, "opened", None, CaseStatus.NEW, decision.reason, now)
    return case


def add_note(session: Session, case: Case, actor: User, note: str, *, now: datetime) -> None:
    """A staff note on the timeline; it changes no status."""
    _record(session, case, actor, "note", None, None, note, now)


def transition_case(
    session: Session, case: Case, to_status: str, actor: User | None, note: str, *, now: datetime
) -> None:
    """Move a case along its lifecycle, or raise IllegalTransition with a readable message."""
    from_status = case.status
    check_transition(from_status, to_status)
    case.status = to_status
    if to_status == CaseStatus.RESOLVED:
        case.resolved_at = now
        case.first_resolved_at = case.first_resolved_at or now
    elif to_status == CaseStatus.CLOSED:
        case.closed_at = now
    elif to_status == CaseStatus.REOPENED:
        case.reopen_count += 1
        case.resolved_at = None
        case.closed_at = None
    _record(session, case, actor, "status", from_status, to_status, note, now)


def visible_cases(user: User) -> sa.Select[tuple[Case]]:
    """The cases a user may see: their department's, or all for admins and CX managers."""
    query = sa.select(Case)
    if not user.sees_all_departments:
        query = query.where(Case.department_id == user.department_id)
    return query


def open_cases_for(session: Session, user: User, limit: int = 200) -> list[Case]:
    """The inbox: open cases the user may see, most urgent and oldest first."""
    query = (
        visible_cases(user)
        .where(Case.status.in_(OPEN_STATUSES))
        .order_by(Case.priority, Case.opened_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def case_for(session: Session, user: User, case_id: int) -> Case | None:
    """One case if the user may see it; None otherwise, so a guessed id reveals nothing."""
    return session.scalar(visible_cases(user).where(Case.id == case_id))


def _record(
    session: Session,
    case: Case,
    actor: User | None,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str,
    now: datetime,
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id if actor else None,
            at=now,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            note=note,
        )
    )
    session.flush()
