"""Routing rules as the admin keeps them: stored, listed, and tried on a made-up answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import (
    Department,
    Role,
    RoutingRule,
    Topic,
    Touchpoint,
    User,
)
from app.services.cases.case_routing import active_rules
from app.services.database.paging import Page, page_of
from app.services.feedback.topic_analysis import taxonomy, topic_rows
from app.services.governance.edits import apply_edit
from surveys.sentiment import analyse
from surveys.topics import assign_topics
from workflows.routing_rules import ResponseFacts, Rule, first_match


class RuleRefused(ValueError):
    """A rule the admin must change before it can be saved."""


def rule_page(session: Session, search: str, number: int) -> Page[RoutingRule]:
    """Stored rules whose name holds `search`, in the order they are tried, inactive ones too."""
    query = sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
    if search:
        query = query.where(RoutingRule.name.ilike(f"%{search}%"))
    return page_of(session, query, number)


RULE_FIELDS = frozenset(
    {
        "name", "position", "active", "scores", "polarity_below", "keywords", "topics",
        "touchpoints",
        "journey_stages", "segments", "attributes", "opens_case", "department_id", "priority",
        "first_contact_hours", "resolve_hours", "assignee_id", "round_robin",
    }
)  # fmt: skip


def save_rule(session: Session, rule: RoutingRule, values: dict[str, Any], *, actor: str) -> None:
    """Store an admin's rule, on the audit log; it decides for the responses routed from now on."""
    taken = session.scalar(
        sa.select(RoutingRule.id).where(
            RoutingRule.name == values["name"], RoutingRule.id != rule.id
        )
    )
    if taken is not None:
        raise RuleRefused(_l("Another rule already has this name."))
    action = "rule.create" if rule.id is None else "rule.update"
    session.add(rule)
    apply_edit(session, rule, values, RULE_FIELDS, actor=actor, action=action,
               subject=lambda: f"rule:{rule.id}")  # fmt: skip


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


def rule_topics(session: Session, kept: Sequence[str] = ()) -> list[Topic]:
    """The topics a rule may name, in the taxonomy's order: the active ones, and those in `kept`
    (a rule's own, so a topic deactivated since is shown, and stays, when the rule is saved)."""
    return [row for row in topic_rows(session) if row.active or row.code in kept]


def try_rules(
    session: Session, *, touchpoint: Touchpoint, score: tuple[str, int], comment: str, segment: str
) -> tuple[Rule, str, float] | None:
    """Which active rule a made-up answer would meet, why, and the comment's sentiment."""
    metric, value = score
    polarity = analyse(comment).polarity if comment.strip() else None
    facts = ResponseFacts(
        comment=comment,
        polarity=polarity,
        topics=frozenset(match.code for match in assign_topics(comment, taxonomy(session))),
        touchpoint=touchpoint.code,
        journey_stage=touchpoint.journey_stage,
        segment=segment,
        department_id=touchpoint.department_id,
        **{metric: value},
    )
    match = first_match(facts, [rule for _, rule in active_rules(session)])
    return None if match is None else (*match, polarity if polarity is not None else 0.0)
