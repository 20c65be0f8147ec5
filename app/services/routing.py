"""Routing rules as the admin keeps them, the facts they judge, and picking the assignee."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import (
    OPEN_STATUSES,
    Case,
    Department,
    Response,
    Role,
    RoutingRule,
    Touchpoint,
    User,
)
from surveys.sentiment import analyse
from workflows.routing import DEFAULT_RULES, ResponseFacts, Rule, ScoreCondition, first_match


class RuleRefused(ValueError):
    """A rule the admin must change before it can be saved."""


def active_rules(session: Session) -> list[tuple[int | None, Rule]]:
    """The bank's rules in order, with their ids; the defaults until an admin has set any."""
    rows = session.scalars(
        sa.select(RoutingRule).where(RoutingRule.active).order_by(RoutingRule.position)
    ).all()
    if not rows:
        return [(None, rule) for rule in DEFAULT_RULES]
    return [(row.id, _rule(row)) for row in rows]


def all_rules(session: Session) -> list[RoutingRule]:
    """Every stored rule in the order they are tried, inactive ones included."""
    return list(
        session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id))
    )


def save_rule(session: Session, rule: RoutingRule, values: dict[str, Any]) -> None:
    """Store an admin's rule; it decides for the responses routed from now on."""
    taken = session.scalar(
        sa.select(RoutingRule.id).where(
            RoutingRule.name == values["name"], RoutingRule.id != rule.id
        )
    )
    if taken is not None:
        raise RuleRefused(_l("Another rule already has this name."))
    for key, value in values.items():
        setattr(rule, key, value)
    session.add(rule)
    session.flush()


def rule_options(session: Session) -> dict[str, list[tuple[str, str]]]:
    """What a rule can name: touchpoints by code, departments and staff by id."""
    return {
        "touchpoints": [
            (t.code, t.name)
            for t in session.scalars(sa.select(Touchpoint).order_by(Touchpoint.journey_order))
        ],
        "departments": [
            (str(d.id), d.name)
            for d in session.scalars(sa.select(Department).order_by(Department.name))
        ],
        "assignees": [
            (str(u.id), u.email)
            for u in session.scalars(
                sa.select(User).where(User.role == Role.STAFF, User.active).order_by(User.email)
            )
        ],
    }


def try_rules(
    session: Session, *, touchpoint: Touchpoint, score: tuple[str, int], comment: str, segment: str
) -> tuple[Rule, str, float] | None:
    """Which active rule a made-up answer would meet, why, and the comment's sentiment."""
    metric, value = score
    polarity = analyse(comment).polarity if comment.strip() else None
    facts = ResponseFacts(
        comment=comment,
        polarity=polarity,
        touchpoint=touchpoint.code,
        journey_stage=touchpoint.journey_stage,
        segment=segment,
        department_id=touchpoint.department_id,
        **{metric: value},
    )
    match = first_match(facts, [rule for _, rule in active_rules(session)])
    return None if match is None else (*match, polarity if polarity is not None else 0.0)


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
