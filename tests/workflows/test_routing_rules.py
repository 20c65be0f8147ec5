"""Routing rules, one condition at a time, then order, catch-all and the defaults."""

import pytest

from workflows.routing_rules import DEFAULT_RULES, ResponseFacts, Rule, ScoreCondition, route

DETRACTOR = ScoreCondition("nps", "<=", 6)


def facts(**overrides):
    base = {
        "nps": 3,
        "comment": "Waited an hour",
        "touchpoint": "branch_visit",
        "journey_stage": "everyday_banking",
        "segment": "mass",
        "department_id": 4,
        "attributes": {"branch": "Central", "product": "mortgage"},
    }
    return ResponseFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("rule", "matching", "not_matching"),
    [
        (Rule("nps", scores=(DETRACTOR,)), {"nps": 6}, {"nps": 7}),
        (Rule("csat", scores=(ScoreCondition("csat", "<=", 2),)), {"csat": 2}, {"csat": 3}),
        (Rule("ces", scores=(ScoreCondition("ces", ">=", 5),)), {"ces": 5}, {"ces": 4}),
        (Rule("skipped", scores=(DETRACTOR,)), {"nps": 0}, {"nps": None}),
        (Rule("sentiment", polarity_below=-0.2), {"polarity": -0.5}, {"polarity": 0.1}),
        (Rule("no sentiment yet", polarity_below=0), {"polarity": -0.1}, {"polarity": None}),
        (Rule("en", keywords=("fraud", "scam")), {"comment": "Looks like FRAUD"}, {}),
        (Rule("zh", keywords=("盗刷",)), {"comment": "我的卡被盗刷了"}, {"comment": "很好"}),
        (Rule("tp", touchpoints=("loan_approval",)), {"touchpoint": "loan_approval"}, {}),
        (Rule("stage", journey_stages=("borrowing",)), {"journey_stage": "borrowing"}, {}),
        (Rule("vip", segments=("vip",)), {"segment": "vip"}, {}),
        (
            Rule("branch", attributes={"branch": ("Harbour",)}),
            {"attributes": {"branch": "Harbour"}},
            {},
        ),
    ],
)
def test_each_condition_matches_and_refuses(rule, matching, not_matching):
    assert route(facts(**matching), [rule]) is not None
    assert route(facts(**not_matching), [rule]) is None


def test_every_condition_of_a_rule_must_hold_and_the_reason_says_which():
    rule = Rule(
        "vip_angry",
        scores=(DETRACTOR,),
        segments=("vip",),
        polarity_below=0,
        keywords=("wait",),
        priority="P1",
    )
    decision = route(facts(segment="vip", polarity=-0.4), [rule])
    assert decision.reason == "NPS 3 ≤ 6; sentiment -0.40 < +0.00; mentions wait; segment vip"
    assert route(facts(segment="mass", polarity=-0.4), [rule]) is None


def test_the_first_matching_rule_wins():
    rules = [
        Rule("fraud", keywords=("fraud",), department_id=9, priority="P1"),
        Rule("detractor", scores=(DETRACTOR,), priority="P2"),
    ]
    assert route(facts(comment="fraud on my card"), rules).rule == "fraud"
    assert route(facts(), rules).rule == "detractor"


def test_a_rule_can_decide_that_no_case_is_needed():
    rules = [Rule("ignore tests", segments=("staff",), opens_case=False), Rule("all")]
    assert route(facts(segment="staff"), rules) is None
    assert route(facts(), rules).rule == "all"


def test_actions_default_to_the_touchpoints_department_and_carry_the_sla():
    rule = Rule("catch-all", first_contact_hours=4, resolve_hours=24, round_robin=True)
    decision = route(facts(), [rule])
    assert (decision.department_id, decision.reason) == (4, "catch-all")
    assert (decision.first_contact_hours, decision.resolve_hours, decision.round_robin) == (
        4,
        24,
        True,
    )


def test_defaults_make_a_vip_detractor_with_a_negative_comment_p1():
    vip = route(facts(segment="vip", polarity=-0.6), DEFAULT_RULES)
    assert (vip.rule, vip.priority) == ("vip_detractor_negative", "P1")
    assert route(facts(segment="vip", polarity=0.3), DEFAULT_RULES).priority == "P2"
    assert route(facts(nps=9, csat=None), DEFAULT_RULES) is None
    assert route(facts(nps=None, csat=1), DEFAULT_RULES).rule == "detractor"
