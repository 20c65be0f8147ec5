"""Routing rules turned into yes/no tests over plain rows, to judge many responses at once.

`routing_rules.first_match` takes a `ResponseFacts` and writes the reasons a rule matched, for
staff to read; over a month of past responses (the admin's trial of a draft rule) building the
facts and the reasons cost more than reading the rows. Here each rule becomes, once, a test of a
row that holds only the facts the rules look at, and a test answers exactly as `first_match`
would (a property test holds them equal).

A row holds each fact as `ResponseFacts` does, but for the event's attributes: those it holds
as the JSON text of the object, as the database keeps them. A month's events share a few sets
of attributes, so each attribute test judges each distinct text once instead of every row
paying to parse its own. Likewise the comment's topics: their codes joined by commas (codes
hold no comma), None when it has none, each distinct text judged once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from workflows.routing_rules import SCORE_TESTS, Rule, ScoreCondition

# The `ResponseFacts` fields a rule can look at, in the order a row holds the ones needed.
FACTS = (
    "nps", "csat", "ces", "polarity", "comment", "touchpoint", "journey_stage", "segment",
    "attributes", "topics",
)  # fmt: skip
METRICS = frozenset({"nps", "csat", "ces"})

Row = Sequence[Any]
Test = Callable[[Row], bool]


def facts_needed(rules: Iterable[Rule]) -> tuple[str, ...]:
    """The facts these rules look at, in `FACTS` order: the columns a caller has to read."""
    used: set[str] = set()
    for rule in rules:
        used.update(c.metric for c in rule.scores if c.metric in METRICS)
        used.update(
            name
            for name, given in (
                ("polarity", rule.polarity_below is not None),
                ("comment", rule.keywords),
                ("touchpoint", rule.touchpoints),
                ("journey_stage", rule.journey_stages),
                ("segment", rule.segments),
                ("attributes", rule.attributes),
                ("topics", rule.topics),
            )
            if given
        )
    return tuple(name for name in FACTS if name in used)


def rule_test(rule: Rule, facts: Sequence[str]) -> Test:
    """Whether `rule` matches a row whose first values are the `facts` named, in that order.

    Cheap conditions are tried first; the answer does not depend on the order.
    """
    at = {name: index for index, name in enumerate(facts)}
    tests: list[Test] = [
        _member(at[name], allowed)
        for name, allowed in (
            ("touchpoint", rule.touchpoints),
            ("journey_stage", rule.journey_stages),
            ("segment", rule.segments),
        )
        if allowed
    ]
    if rule.scores:
        tests.append(_scores(rule.scores, at))
    if rule.polarity_below is not None:
        tests.append(_polarity_below(at["polarity"], rule.polarity_below))
    tests += [_attribute(at["attributes"], key, kept) for key, kept in rule.attributes.items()]
    if rule.topics:
        tests.append(_topics(at["topics"], rule.topics))
    if rule.keywords:
        tests.append(_keywords(at["comment"], rule.keywords))

    def matches(row: Row) -> bool:
        # A loop, not all(generator): the generator costs twice as much a row.
        for test in tests:  # noqa: SIM110
            if not test(row):
                return False
        return True

    return matches


def any_rule_test(rules: Sequence[Rule], facts: Sequence[str]) -> Test:
    """Whether any of `rules` matches a row. Given the rules tried before a rule, `first_match`
    picks that rule exactly when its `rule_test` holds and this one does not.
    """
    tests = [rule_test(rule, facts) for rule in rules]

    def any_matches(row: Row) -> bool:
        for test in tests:  # noqa: SIM110 (as in rule_test)
            if test(row):
                return True
        return False

    return any_matches


def _member(index: int, allowed: Sequence[str]) -> Test:
    kept = frozenset(allowed)
    return lambda row: row[index] in kept


def _scores(conditions: Sequence[ScoreCondition], at: dict[str, int]) -> Test:
    """Any one condition holds. Only nps, csat and ces are scores (the form allows no other)."""
    checks = [(at[c.metric], SCORE_TESTS[c.op], c.value) for c in conditions if c.metric in METRICS]

    def any_holds(row: Row) -> bool:
        for index, holds, limit in checks:
            score = row[index]
            if score is not None and holds(score, limit):
                return True
        return False

    return any_holds


def _polarity_below(index: int, limit: float) -> Test:
    def below(row: Row) -> bool:
        polarity = row[index]
        # Written as first_match refuses (`>=`), so a NaN is judged the same way.
        return polarity is not None and not polarity >= limit

    return below


def _attribute(index: int, key: str, allowed: Sequence[str]) -> Test:
    kept = frozenset(allowed)
    judged: dict[str, bool] = {}  # the attributes' JSON text -> whether the value is allowed

    def holds(row: Row) -> bool:
        text = row[index]
        verdict = judged.get(text)
        if verdict is None:
            verdict = judged[text] = str(json.loads(text).get(key)) in kept
        return verdict

    return holds


def _topics(index: int, wanted: Sequence[str]) -> Test:
    kept = frozenset(wanted)
    judged: dict[str | None, bool] = {}  # the comment's codes, comma-joined -> any wanted

    def about(row: Row) -> bool:
        text = row[index]
        verdict = judged.get(text)
        if verdict is None:
            verdict = judged[text] = bool(text) and not kept.isdisjoint(text.split(","))
        return verdict

    return about


def _keywords(index: int, words: Sequence[str]) -> Test:
    folded = tuple(word.casefold() for word in words)

    def mentions(row: Row) -> bool:
        text = row[index].casefold()
        for word in folded:  # noqa: SIM110 (as in rule_test)
            if word in text:
                return True
        return False

    return mentions
