"""Routing responses into cases: sentiment, then the rules, then at most one case per response.

The live rules are read from the database (the defaults until an admin has set any), judged
against the facts the response carries, and a round-robin rule picks the assignee here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Response,
    Role,
    RoutingRule,
    RoutingStatus,
    User,
)
from app.services.cases.lifecycle import record_event
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.feedback.followup import apply_followup
from app.services.feedback.responses import FOLLOWUP_SURVEY
from app.services.feedback.topic_analysis import analyse_topics
from surveys.sentiment import analyse
from workflows.routing_rules import DEFAULT_RULES, ResponseFacts, Rule, ScoreCondition, route
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
    found = analyse_topics(session, response) if response.comment else []
    if response.survey_code == FOLLOWUP_SURVEY:
        apply_followup(session, response, now=now)
        return None
    event = response.invitation.event if response.invitation else None
    # An answer with no event (a branch's QR poster) still has the branch it was given at.
    attributes = (
        event.attributes if event else {"branch": response.branch} if response.branch else {}
    )
    facts = facts_of(response, attributes, frozenset(match.code for match in found))
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


def active_rules(session: Session) -> list[tuple[int | None, Rule]]:
    """The bank's rules in order, with their ids; the defaults until an admin has set any."""
    rows = session.scalars(
        sa.select(RoutingRule).where(RoutingRule.active).order_by(RoutingRule.position)
    ).all()
    if not rows:
        return [(None, rule) for rule in DEFAULT_RULES]
    return [(row.id, _rule(row)) for row in rows]


def _rule(row: RoutingRule) -> Rule:
    return Rule(
        name=row.name,
        scores=tuple(ScoreCondition(**score) for score in row.scores),
        polarity_below=row.polarity_below,
        keywords=tuple(row.keywords),
        topics=tuple(row.topics),
        touchpoints=tuple(row.touchpoints),
        journey_stages=tuple(row.journey_stages),
        segments=tuple(row.segments),
        attributes={key: tuple(values) for key, values in row.attributes.items()},
        opens_case=row.opens_case,
        department_id=row.department_id,
        priority=row.priority,
        first_contact_hours=row.first_contact_hours,
        resolve_hours=row.resolve_hours,
        assignee_id=row.assignee_id,
        round_robin=row.round_robin,
    )


def facts_of(
    response: Response, attributes: dict[str, object], topics: frozenset[str] = frozenset()
) -> ResponseFacts:
    return ResponseFacts(
        nps=response.nps,
        csat=response.csat,
        ces=response.ces,
        polarity=response.polarity,
        comment=response.comment,
        touchpoint=response.touchpoint.code,
        journey_stage=response.journey_stage,
        segment=response.segment,
        department_id=response.department_id,
        attributes=attributes,
        topics=topics,
    )


def next_in_turn(session: Session, department_id: int) -> int | None:
    """Round robin: the department's active staff member who was given a case longest ago."""
    last_given = (
        sa.select(sa.func.max(Case.opened_at))
        .where(Case.assignee_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    open_load = (
        sa.select(sa.func.count())
        .where(Case.assignee_id == User.id, Case.status.in_(OPEN_STATUSES))
        .correlate(User)
        .scalar_subquery()
    )
    return session.scalar(
        sa.select(User.id)
        .where(User.department_id == department_id, User.role == Role.STAFF, User.active)
        .order_by(last_given.is_not(None), last_given, open_load, User.id)
        .limit(1)
    )
