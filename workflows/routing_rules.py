"""Which response becomes a case, for which department, how urgent, and why.

Pure: the bank's routing rules (data an admin edits) and the facts of one response in, a
decision out. Rules are tried in order and the first match wins; a rule may also decide that
no case is needed. The rule that fired and the conditions that matched travel with the case,
so staff can see why it exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SHOWN_OPS = {"<=": "≤", ">=": "≥"}
SCORE_TESTS = {"<=": lambda score, limit: score <= limit, ">=": lambda score, limit: score >= limit}


@dataclass(frozen=True)
class ResponseFacts:
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    polarity: float | None = None
    comment: str = ""
    touchpoint: str = ""
    journey_stage: str = ""
    segment: str = "mass"
    department_id: int = 0  # the touchpoint's owning department
    attributes: Mapping[str, Any] = field(default_factory=dict)
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ScoreCondition:
    metric: str  # nps, csat or ces
    op: str  # "<=" or ">="
    value: int


@dataclass(frozen=True)
class Rule:
    """Conditions (every one given must hold) and what to do when they do."""

    name: str
    scores: Sequence[ScoreCondition] = ()  # any one of them
    polarity_below: float | None = None
    keywords: Sequence[str] = ()  # any one, zh-CN or en, case-insensitive
    topics: Sequence[str] = ()  # topic codes (surveys.topics), any one found in the comment
    touchpoints: Sequence[str] = ()
    journey_stages: Sequence[str] = ()
    segments: Sequence[str] = ()
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    opens_case: bool = True
    department_id: int | None = None  # None: the touchpoint's department
    priority: str = "P3"
    first_contact_hours: float = 8
    resolve_hours: float = 40
    assignee_id: int | None = None
    round_robin: bool = False


@dataclass(frozen=True)
class RoutingDecision:
    rule: str
    reason: str
    department_id: int
    priority: str
    first_contact_hours: float
    resolve_hours: float
    assignee_id: int | None
    round_robin: bool


def first_match(facts: ResponseFacts, rules: Sequence[Rule]) -> tuple[Rule, str] | None:
    """The first rule whose conditions all hold, with why; None when none does."""
    for rule in rules:
        reasons = _matches(rule, facts)
        if reasons is not None:
            return rule, "; ".join(reasons) or "catch-all"
    return None


def route(facts: ResponseFacts, rules: Sequence[Rule]) -> RoutingDecision | None:
    """The first matching rule's decision; None when no rule matches or it opens no case."""
    match = first_match(facts, rules)
    if match is None or not match[0].opens_case:
        return None
    rule, reason = match
    return RoutingDecision(
        rule=rule.name,
        reason=reason,
        department_id=rule.department_id or facts.department_id,
        priority=rule.priority,
        first_contact_hours=rule.first_contact_hours,
        resolve_hours=rule.resolve_hours,
        assignee_id=rule.assignee_id,
        round_robin=rule.round_robin,
    )


def _matches(rule: Rule, facts: ResponseFacts) -> list[str] | None:
    """The reasons a rule matches, or None when one of its conditions fails."""
    reasons: list[str] = []
    if rule.scores:
        hit = next((c for c in rule.scores if _score_holds(c, facts)), None)
        if hit is None:
            return None
        shown = SHOWN_OPS[hit.op]
        reasons.append(f"{hit.metric.upper()} {getattr(facts, hit.metric)} {shown} {hit.value}")
    if rule.polarity_below is not None:
        if facts.polarity is None or facts.polarity >= rule.polarity_below:
            return None
        reasons.append(f"sentiment {facts.polarity:+.2f} < {rule.polarity_below:+.2f}")
    if rule.keywords:
        text = facts.comment.casefold()
        found = [word for word in rule.keywords if word.casefold() in text]
        if not found:
            return None
        reasons.append("mentions " + ", ".join(found))
    if rule.topics:
        about = [code for code in rule.topics if code in facts.topics]
        if not about:
            return None
        reasons.append("topic " + ", ".join(about))
    for label, allowed, value in (
        ("touchpoint", rule.touchpoints, facts.touchpoint),
        ("journey stage", rule.journey_stages, facts.journey_stage),
        ("segment", rule.segments, facts.segment),
    ):
        if allowed:
            if value not in allowed:
                return None
            reasons.append(f"{label} {value}")
    for key, allowed in rule.attributes.items():
        value = facts.attributes.get(key)
        if str(value) not in allowed:
            return None
        reasons.append(f"{key} {value}")
    return reasons


def _score_holds(condition: ScoreCondition, facts: ResponseFacts) -> bool:
    score = getattr(facts, condition.metric, None)
    return score is not None and SCORE_TESTS[condition.op](score, condition.value)


DEFAULT_RULES = (
    Rule(
        name="vip_detractor_negative",
        scores=(ScoreCondition("nps", "<=", 6), ScoreCondition("csat", "<=", 2)),
        segments=("vip",),
        polarity_below=0,
        priority="P1",
        first_contact_hours=2,
        resolve_hours=16,
    ),
    Rule(
        name="detractor",
        scores=(
            ScoreCondition("nps", "<=", 6),
            ScoreCondition("csat", "<=", 2),
            ScoreCondition("ces", "<=", 3),  # our CES asks "made it easy": low is bad
        ),
        priority="P2",
        first_contact_hours=8,
        resolve_hours=40,
    ),
)
