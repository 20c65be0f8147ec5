"""A draft routing rule tried on the last 30 days of responses, before it is saved.

The draft takes its place among the live rules (the active ones above it by position; its own
stored version, when it is an edit, is left out) and is judged on every routed response of the
period. What it would have matched is compared with the case each response really has. Nothing
is written: the admin sees what saving would change before anything does.

It answers within its 2 s budget at 100,000 responses (`bench/rule_trial.py`, figures in
bench/README.md): only the columns the rules look at are read, by Core on the session's
connection (no ORM objects), streamed in batches (a server-side cursor on PostgreSQL) newest
first, so the first ten matched are the examples; each rule is tested by
`workflows.rule_predicates` (the answers of `first_match` without its reasons text, the event
attributes judged once per distinct JSON text); a row then costs a counter step. Names are read
only for the departments and the ten examples shown. A rule on topics reads the topics stored
for each response when it was routed (or last read again), as routing judged them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Case,
    Department,
    Invitation,
    Response,
    ResponseTopic,
    RoutingRule,
    RoutingStatus,
    Touchpoint,
    TouchpointEvent,
)
from app.services.cases.case_routing import active_rules
from app.services.feedback.responses import FOLLOWUP_SURVEY
from workflows.routing_rules import Rule, ScoreCondition
from workflows.rule_predicates import any_rule_test, facts_needed, rule_test

PERIOD = timedelta(days=30)
EXAMPLES = 10
BATCH = 5_000
EXCERPT = 80  # characters of a comment shown with an example
CHANGES = ("receives", "new", "moved_in", "moved_out", "dropped")  # DepartmentChange's counts
NO_RULE = -1  # a new draft has no stored version: no case was opened by this id
# Where each fact a rule may look at is read from; the touchpoint and event joins are made
# only when a rule needs them.
FACT_COLUMNS: dict[str, Any] = {
    "nps": Response.nps,
    "csat": Response.csat,
    "ces": Response.ces,
    "polarity": Response.polarity,
    "comment": Response.comment,
    "touchpoint": Touchpoint.code,
    "journey_stage": Response.journey_stage,
    "segment": Response.segment,
    # As JSON text (see workflows.rule_predicates); a response without an event (anonymous, or
    # its event erased) has no attributes.
    "attributes": sa.func.coalesce(sa.cast(TouchpointEvent.attributes, sa.Text), "{}"),
    # The topics stored when the response was read, their codes joined by commas (None: none).
    "topics": sa.select(sa.func.aggregate_strings(ResponseTopic.topic, ","))
    .where(ResponseTopic.response_id == Response.id)
    .correlate(Response)
    .scalar_subquery(),
}


@dataclass(frozen=True)
class DepartmentChange:
    """One department's side of the trial, in cases over the period."""

    department: Department
    receives: int  # the draft would open here
    new: int  # of those, for responses that opened no case
    moved_in: int  # of those, for responses whose case went to another department
    moved_out: int  # went here; the draft sends them to another department
    dropped: int  # went here; the draft opens no case for them


@dataclass(frozen=True)
class Example:
    """A response the draft would have matched, and where its case really went."""

    response_id: int
    submitted_at: datetime
    touchpoint: Touchpoint
    scores: dict[str, int]  # metric -> score, only those answered
    comment: str  # its first words
    case_id: int | None
    case_department: Department | None


@dataclass(frozen=True)
class RuleTrial:
    since: datetime
    responses: int  # routed in the period
    matched: int  # the draft would have been their first match
    shadowed: int  # the draft matches them, but a rule above takes them first
    opens_case: bool
    newly_opened: int  # matched, had no case, would have one
    moved: int  # matched, their case went to another department than the draft's
    no_longer_opened: int  # matched, had a case, the draft opens none
    released: int  # an edit's stored version opened their case; the draft does not match them
    departments: list[DepartmentChange]
    examples: list[Example]

    @property
    def unchanged(self) -> int:
        return self.matched - self.newly_opened - self.moved - self.no_longer_opened


def try_on_history(
    session: Session, values: Mapping[str, Any], *, rule_id: int | None, now: datetime
) -> RuleTrial:
    """What the rule in `values` (the rule form's values) would have done over the last 30 days.

    `rule_id` is the stored rule being edited, None for a new one. The draft is tried as if
    active, whatever its box says: the admin wants to see what it does.
    """
    draft = draft_rule(values)
    above = _rules_above(session, rule_id, values["position"])
    names = facts_needed([draft, *above])
    own, taken = rule_test(draft, names), any_rule_test(above, names)
    since = now - PERIOD
    # On the session's connection: the ORM's handling of each row cost as much as the SQL.
    rows = session.connection().execute(
        _period_rows(names, since).execution_options(yield_per=BATCH)
    )
    fact = len(names)  # the row's columns after the facts: see _period_rows
    home, case_department, case_rule, response_id = fact, fact + 1, fact + 2, fact + 3
    fixed = draft.department_id
    released_from = NO_RULE if rule_id is None else rule_id
    outcomes: Counter[tuple[int | None, int | None]] = Counter()
    shown: list[int] = []
    total = shadowed = released = 0
    for row in rows:
        total += 1
        if own(row):
            if not taken(row):
                target = (fixed or row[home]) if draft.opens_case else None
                outcomes[target, row[case_department]] += 1
                if len(shown) < EXAMPLES:
                    shown.append(row[response_id])
                continue
            shadowed += 1
        if row[case_rule] == released_from:
            released += 1
    return _trial(session, draft, outcomes, shown, since=since, counts=(total, shadowed, released))


def draft_rule(values: Mapping[str, Any]) -> Rule:
    """The rule form's values as the rule routing would judge with (its conditions and target)."""
    return Rule(
        name=values["name"],
        scores=tuple(ScoreCondition(**score) for score in values["scores"]),
        polarity_below=values["polarity_below"],
        keywords=tuple(values["keywords"]),
        topics=tuple(values.get("topics", ())),  # drafts written before topics have none
        touchpoints=tuple(values["touchpoints"]),
        journey_stages=tuple(values["journey_stages"]),
        segments=tuple(values["segments"]),
        attributes={key: tuple(kept) for key, kept in values["attributes"].items()},
        opens_case=values["opens_case"],
        department_id=values["department_id"],
    )


def _rules_above(session: Session, rule_id: int | None, position: int) -> list[Rule]:
    """The active stored rules tried before the draft; ties in position go by id, a new rule
    last. The built-in defaults are not among them: once a rule is stored they no longer apply.
    """
    positions = dict(
        session.execute(
            sa.select(RoutingRule.id, RoutingRule.position).where(RoutingRule.active)
        ).all()
    )
    place = (position, float("inf") if rule_id is None else rule_id)
    return [
        rule
        for stored_id, rule in active_rules(session)
        if stored_id in positions
        and stored_id != rule_id
        and (positions[stored_id], stored_id) < place
    ]


def _period_rows(names: Iterable[str], since: datetime) -> sa.Select[Any]:
    """The period's routed responses: the facts named, then the response's own department,
    its case's department and rule, and its id; newest first, so the examples are recent.
    """
    names = list(names)
    query = (
        sa.select(
            *(FACT_COLUMNS[name] for name in names),
            Response.department_id,
            Case.department_id,
            Case.routing_rule_id,
            Response.id,
        )
        .select_from(Response)
        .outerjoin(Case, Case.response_id == Response.id)
        .where(
            Response.routing_status == RoutingStatus.ROUTED,
            Response.submitted_at >= since,
            Response.survey_code != FOLLOWUP_SURVEY,
        )
        .order_by(Response.submitted_at.desc(), Response.id.desc())
    )
    if "touchpoint" in names:
        query = query.join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
    if "attributes" in names:
        query = query.outerjoin(Invitation, Invitation.id == Response.invitation_id).outerjoin(
            TouchpointEvent, TouchpointEvent.id == Invitation.event_id
        )
    return query


def _trial(
    session: Session,
    draft: Rule,
    outcomes: Counter[tuple[int | None, int | None]],
    shown: list[int],
    *,
    since: datetime,
    counts: tuple[int, int, int],
) -> RuleTrial:
    """The counted outcomes as the page's figures, with the names of what they show.

    `counts`: the period's responses, those a rule above takes first, those released.
    """
    total, shadowed, released = counts
    by_department = _department_counts(outcomes)
    found = session.execute(_example_rows(shown)).all()
    departments = _by_id(
        session, Department, {*by_department, *(row.case_department for row in found)}
    )
    touchpoints = _by_id(session, Touchpoint, {row.touchpoint_id for row in found})
    changes = [
        DepartmentChange(departments[department_id], **{kind: count[kind] for kind in CHANGES})
        for department_id, count in by_department.items()
    ]
    changes.sort(key=lambda c: (-c.receives, -c.moved_out - c.dropped, c.department.name))
    return RuleTrial(
        since=since,
        responses=total,
        matched=sum(outcomes.values()),
        opens_case=draft.opens_case,
        shadowed=shadowed,
        newly_opened=sum(count["new"] for count in by_department.values()),
        moved=sum(count["moved_in"] for count in by_department.values()),
        no_longer_opened=sum(count["dropped"] for count in by_department.values()),
        released=released,
        departments=changes,
        examples=[
            Example(
                response_id=row.id,
                submitted_at=row.submitted_at,
                touchpoint=touchpoints[row.touchpoint_id],
                scores={
                    m: getattr(row, m)
                    for m in ("nps", "csat", "ces")
                    if getattr(row, m) is not None
                },
                comment=first_words(row.comment),
                case_id=row.case_id,
                case_department=departments.get(row.case_department),
            )
            for row in found
        ],
    )


def _department_counts(
    outcomes: Counter[tuple[int | None, int | None]],
) -> defaultdict[int, Counter[str]]:
    """Per department, the `CHANGES` from (the draft's department, the case's department)."""
    counts: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for (target, current), n in outcomes.items():
        if target is not None:
            counts[target]["receives"] += n
            if current is None:
                counts[target]["new"] += n
            elif current != target:
                counts[target]["moved_in"] += n
                counts[current]["moved_out"] += n
        elif current is not None:
            counts[current]["dropped"] += n
    return counts


def _example_rows(ids: list[int]) -> sa.Select[Any]:
    return (
        sa.select(
            Response.id,
            Response.submitted_at,
            Response.touchpoint_id,
            Response.nps,
            Response.csat,
            Response.ces,
            Response.comment,
            Case.id.label("case_id"),
            Case.department_id.label("case_department"),
        )
        .outerjoin(Case, Case.response_id == Response.id)
        .where(Response.id.in_(ids))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
    )


def _by_id(session: Session, model: Any, ids: set[int | None]) -> dict[int, Any]:
    wanted = [i for i in ids if i is not None]
    return {row.id: row for row in session.scalars(sa.select(model).where(model.id.in_(wanted)))}


def first_words(text: str, limit: int = EXCERPT) -> str:
    """The start of a comment on one line, cut at a space when there is one near the end."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"
