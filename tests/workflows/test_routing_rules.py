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
        (
            Rule("topic", topics=("fraud_security", "fees")),
            {"topics": frozenset({"fees", "staff_attitude"})},
            {"topics": frozenset({"staff_attitude"})},
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


def test_a_topic_rule_sends_the_comment_about_it_and_says_which_topic_matched():
    rules = [
        Rule("fraud", topics=("fraud_security",), department_id=9, priority="P1"),
        Rule("detractor", scores=(DETRACTOR,), priority="P2"),
    ]
    about_fraud = facts(topics=frozenset({"waiting_time", "fraud_security"}))
    decision = route(about_fraud, rules)
    assert (decision.rule, decision.department_id, decision.priority) == ("fraud", 9, "P1")
    assert decision.reason == "topic fraud_security"
    assert route(facts(), rules).rule == "detractor"  # no topics found: the next rule


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


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"nps": 6}, "detractor"),
        ({"nps": 7}, None),
        ({"nps": None, "csat": 2}, "detractor"),
        ({"nps": None, "csat": 3}, None),
        ({"nps": None, "ces": 3}, "detractor"),
        ({"nps": None, "ces": 4}, None),
        ({"nps": 6, "segment": "vip", "polarity": -0.01}, "vip_detractor_negative"),
        ({"nps": None, "csat": 2, "segment": "vip", "polarity": -0.5}, "vip_detractor_negative"),
        ({"nps": 6, "segment": "vip", "polarity": 0.0}, "detractor"),  # neutral is not negative
        ({"nps": None, "ces": 3, "segment": "vip", "polarity": -0.5}, "detractor"),
        ({"nps": 7, "segment": "vip", "polarity": -0.9}, None),  # an angry passive: no case
        ({"nps": None, "csat": 3, "segment": "vip", "polarity": -0.9}, None),
    ],
)
def test_default_rules_at_their_edges(overrides, rule):
    """NPS 0-6 is a detractor, CSAT 1-2 unhappy, CES 1-3 not easy (our CES: low is bad).

    The VIP rule looks at NPS and CSAT only, and wants a negative comment besides.
    """
    decision = route(facts(**overrides), DEFAULT_RULES)
    assert (decision and decision.rule) == rule


@pytest.mark.parametrize(
    ("segment", "action"),
    [("vip", ("vip_detractor_negative", "P1", 2, 16)), ("mass", ("detractor", "P2", 8, 40))],
)
def test_default_rules_set_priority_and_sla_of_an_angry_detractor(segment, action):
    """The same angry detractor: a VIP gets P1 and a 2/16-hour SLA, anyone else P2 and 8/40."""
    decision = route(facts(nps=2, segment=segment, polarity=-0.8), DEFAULT_RULES)
    assert (
        decision.rule,
        decision.priority,
        decision.first_contact_hours,
        decision.resolve_hours,
    ) == action


def test_sentiment_exactly_at_the_threshold_is_not_below_it():
    rule = Rule("negative", polarity_below=-0.2)
    assert route(facts(polarity=-0.2), [rule]) is None
    assert route(facts(polarity=-0.21), [rule]) is not None


def test_the_reason_names_every_condition_that_matched():
    rule = Rule(
        "loan fraud",
        keywords=("fraud", "scam", "refund"),
        touchpoints=("loan_approval",),
        journey_stages=("borrowing",),
        attributes={"product": ("mortgage",)},
    )
    decision = route(
        facts(comment="A scam, fraud!", touchpoint="loan_approval", journey_stage="borrowing"),
        [rule],
    )
    assert decision.reason == (
        "mentions fraud, scam; touchpoint loan_approval; journey stage borrowing; product mortgage"
    )


def test_a_rule_can_name_the_assignee():
    decision = route(facts(), [Rule("to Li", department_id=7, assignee_id=12, priority="P1")])
    assert (decision.department_id, decision.assignee_id, decision.priority) == (7, 12, "P1")
