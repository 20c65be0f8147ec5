"""Which response becomes a case, for which department, how urgent, and why.

Pure: facts about a response in, a decision out. The service loads the facts and stores the
case; the rule that fired and the reason travel with the case so staff can see why it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

DETRACTOR_MAX_NPS = 6
DISSATISFIED_MAX_CSAT = 2


@dataclass(frozen=True)
class ResponseFacts:
    nps: int | None
    csat: int | None
    department_id: int
    segment: str


@dataclass(frozen=True)
class RoutingDecision:
    rule: str
    reason: str
    department_id: int
    priority: str


def route(facts: ResponseFacts) -> RoutingDecision | None:
    """A case decision for a response, or None when the response needs no follow-up."""
    if facts.nps is not None and facts.nps <= DETRACTOR_MAX_NPS:
        rule, reason = "nps_detractor", f"NPS {facts.nps} ≤ {DETRACTOR_MAX_NPS}"
    elif facts.csat is not None and facts.csat <= DISSATISFIED_MAX_CSAT:
        rule, reason = "csat_dissatisfied", f"CSAT {facts.csat} ≤ {DISSATISFIED_MAX_CSAT}"
    else:
        return None
    priority = "P1" if facts.segment == "vip" else "P2"
    return RoutingDecision(rule, reason, facts.department_id, priority)
