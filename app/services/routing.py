"""Loading the routing rules and the facts they are judged on; picking the assignee."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OPEN_STATUSES, Case, Response, Role, RoutingRule, User
from workflows.routing import DEFAULT_RULES, ResponseFacts, Rule, ScoreCondition


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


def facts_of(response: Response, attributes: dict[str, object]) -> ResponseFacts:
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
