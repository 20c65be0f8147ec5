"""Routing responses: sentiment, then the rules, then at most one case per response."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Case,
    CaseStatus,
    Response,
    RoutingStatus,
)
from app.services.claims import DEFAULT_LEASE, claim_due
from app.services.followup import apply_followup
from app.services.lifecycle import record_event
from app.services.responses import FOLLOWUP_SURVEY
from app.services.routing import active_rules, facts_of, next_in_turn
from surveys.sentiment import analyse
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
    if response.survey_code == FOLLOWUP_SURVEY:
        apply_followup(session, response, now=now)
        return None
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
    record_event(session, case, None, "opened", None, CaseStatus.NEW, decision.reason, now)
    return case
