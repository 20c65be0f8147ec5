"""Rules as row tests answer exactly as `first_match` does, on the facts a rule can look at."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.routing_rules import ResponseFacts, Rule, ScoreCondition, first_match
from workflows.rule_predicates import any_rule_test, facts_needed, rule_test

# Few values each, so rules and responses meet often: equal, just above and just below.
WORDS = ["fraud", "FRAUD", "退款", "Refund", "ß", "ss"]
NAMES = ["a", "b", "c"]
TOPICS = ["fees", "fraud_security", "waiting_time"]
conditions = st.builds(
    ScoreCondition,
    metric=st.sampled_from(["nps", "csat", "ces"]),
    op=st.sampled_from(["<=", ">="]),
    value=st.integers(0, 10),
)
rules = st.builds(
    Rule,
    name=st.just("rule"),
    scores=st.lists(conditions, max_size=3).map(tuple),
    polarity_below=st.none() | st.sampled_from([-0.5, 0.0, 0.3, math.nan]),
    keywords=st.lists(st.sampled_from(WORDS), max_size=2).map(tuple),
    touchpoints=st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
    journey_stages=st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
    segments=st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
    attributes=st.dictionaries(
        st.sampled_from(["branch", "product"]),
        st.lists(st.sampled_from(["Central", "1", "None", "True"]), min_size=1, max_size=2).map(
            tuple
        ),
        max_size=2,
    ),
    topics=st.lists(st.sampled_from(TOPICS), max_size=2).map(tuple),
)
scores = st.none() | st.integers(0, 10)
responses = st.builds(
    ResponseFacts,
    nps=scores,
    csat=scores,
    ces=scores,
    polarity=st.none() | st.sampled_from([-0.5, -0.2, 0.0, 0.3, 0.9, math.nan]),
    comment=st.lists(st.sampled_from([*WORDS, "fine", " "]), max_size=3).map("".join),
    touchpoint=st.sampled_from(NAMES),
    journey_stage=st.sampled_from(NAMES),
    segment=st.sampled_from(NAMES),
    attributes=st.dictionaries(
        st.sampled_from(["branch", "product"]),
        st.sampled_from(["Central", "North", 1, None, True]),
        max_size=2,
    ),
    topics=st.frozensets(st.sampled_from(TOPICS), max_size=2),
)


def row(facts, names):
    """The facts named, the attributes as the JSON text the database keeps, the topics as the
    trial reads them (codes joined by commas, None for none)."""
    shown = {
        "attributes": json.dumps(facts.attributes),
        "topics": ",".join(sorted(facts.topics)) or None,
    }
    return tuple(shown[name] if name in shown else getattr(facts, name) for name in names)


@settings(max_examples=600)
@given(rules=st.lists(rules, min_size=1, max_size=4), facts=responses)
def test_the_last_rule_wins_exactly_when_first_match_picks_it(rules, facts):
    names = facts_needed(rules)
    match = first_match(facts, rules)
    values = row(facts, names)
    wins = rule_test(rules[-1], names)(values) and not any_rule_test(rules[:-1], names)(values)
    assert wins == (match is not None and match[0] is rules[-1])
    assert any_rule_test(rules, names)(values) == (match is not None)


@settings(max_examples=600)
@given(rule=rules, facts=responses)
def test_one_rule_matches_exactly_when_first_match_finds_it(rule, facts):
    names = facts_needed([rule])
    assert rule_test(rule, names)(row(facts, names)) == (first_match(facts, [rule]) is not None)


def test_only_the_facts_the_rules_look_at_are_needed_in_a_fixed_order():
    vip = Rule("vip", segments=("vip",), scores=(ScoreCondition("csat", "<=", 2),))
    fraud = Rule("fraud", keywords=("fraud",), attributes={"branch": ("Central",)})
    assert facts_needed([fraud, vip]) == ("csat", "comment", "segment", "attributes")
    assert facts_needed([Rule("calm", polarity_below=0.0)]) == ("polarity",)
    assert facts_needed([Rule("catch-all")]) == ()


def test_a_catch_all_matches_an_empty_row_and_no_rules_match_nothing():
    assert rule_test(Rule("catch-all"), ())(())
    assert any_rule_test([Rule("first"), Rule("second")], ())(())
    assert not any_rule_test([], ())(())


def test_a_rule_above_takes_only_the_responses_it_matches():
    stage = Rule("stage", journey_stages=("lending",), touchpoints=("loan",))
    detractor = Rule("detractor", scores=(ScoreCondition("nps", "<=", 6),))
    names = facts_needed([stage, detractor])
    above, own = any_rule_test([stage], names), rule_test(detractor, names)
    assert names == ("nps", "touchpoint", "journey_stage")
    assert [(own(r), above(r)) for r in [(3, "loan", "onboarding"), (6, "card", "lending")]] == [
        (True, False), (True, False)
    ]  # fmt: skip
    assert (own((3, "loan", "lending")), above((3, "loan", "lending"))) == (True, True)
    assert not own((7, "card", "onboarding"))


def test_attributes_come_as_json_text_and_each_text_keeps_its_own_verdict():
    rule = Rule("north", attributes={"branch": ("North",), "vip": ("True",)})
    test = rule_test(rule, ("attributes",))
    texts = [
        '{"branch": "North", "vip": true}',
        '{"branch": "Central", "vip": true}',
        '{"branch": "North", "vip": true}',
        '{"branch": "North", "vip": "true"}',
        "{}",
    ]
    assert [test((text,)) for text in texts] == [True, False, True, False, False]
