"""An admin tries a draft routing rule on the last 30 days before saving it: a bank of twenty
responses routed by the live rules, each figure worked out by hand below, and nothing written."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.models import Case, Response, RoutingRule, utcnow
from app.services.cases.case_routing import route_response
from app.services.cases.rule_trial import first_words, try_on_history
from app.services.feedback.survey_versions import sync_surveys
from tests.app.conftest import snapshot
from tests.conftest import csrf_token
from tests.factories import (
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
    answer,
)
from workflows.sla import BusinessCalendar

# label: touchpoint, NPS, comment, days ago, and what else the response carries.
BANK = {
    "c_fraud": ("card", 2, "Fraud on my card", 1, {}),
    "c_slow": ("card", 3, "Slow <b>dispute</b> handling", 2, {"polarity": -0.6}),
    "c_five": ("card", 5, "", 3, {}),
    "c_seven": ("card", 7, "Could be better", 4, {}),
    "c_moved": ("card", 6, "", 5, {}),  # its case was moved to complaints by staff
    "c_nine": ("card", 9, "", 6, {}),
    "c_ten": ("card", 10, "Great", 7, {"segment": "vip"}),
    "c_fraud7": ("card", 7, "possible FRAUD", 8, {}),
    "c_zero": ("card", 0, "", 9, {}),
    "c_seven2": ("card", 7, "", 10, {}),
    "c_eight": ("card", 8, "", 11, {}),
    "b_one": ("branch", 1, "Queue", 12, {"segment": "vip", "polarity": -0.5}),
    "b_four": ("branch", 4, "", 13, {"branch": "North"}),
    "b_eight": ("branch", 8, "", 14, {"branch": "North"}),
    "b_nine": ("branch", 9, "", 15, {}),
    "b_ten": ("branch", 10, "", 16, {}),
    "b_fraud": ("branch", 2, "fraud", 17, {}),
    "b_six": ("branch", 6, "", 18, {}),
    "b_fraud3": ("branch", 3, "Fraud again", 19, {}),
    "b_nine2": ("branch", 9, "", 20, {}),
    # Never counted: before the period, or not routed yet.
    "old_card": ("card", 2, "", 40, {}),
    "old_seven": ("card", 7, "", 45, {}),
    "pending": ("card", 3, "", 0.5, {"routed": False}),
}
# The live rules route the bank like this (fraud first, then every detractor to its touchpoint's
# department; branch_low never fires because detractor, above it, takes all it would):
# complaints: c_fraud, c_fraud7, b_fraud, b_fraud3 and c_moved (moved there by staff);
# cards: c_slow, c_five, c_zero (and old_card); retail: b_one, b_four, b_six; the rest: none.


def respond(session, touchpoint, nps, comment, days_ago, more):
    """A response to an invitation, submitted `days_ago`, routed then by the live rules."""
    event = {"event__attributes": {"branch": more.get("branch", "Central")}}
    if "segment" in more:
        event["event__customer__segment"] = more["segment"]
    invitation = InvitationFactory(event__touchpoint=touchpoint, **event)
    at = utcnow() - timedelta(days=days_ago)
    answers = {"nps": nps, "comment": comment, **({"consent": True} if nps <= 6 else {})}
    response = session.get(Response, answer(session, invitation, answers, now=at))
    response.polarity = more.get("polarity", 0.0)  # given: no sentiment model in these tests
    if more.get("routed", True):
        route_response(session, response.id, now=at, calendar=BusinessCalendar())
    return response


@pytest.fixture
def bank(session):
    sync_surveys(session)
    cards = DepartmentFactory(code="cards", name="Cards", name_zh="信用卡部")
    retail = DepartmentFactory(code="retail", name="Retail", name_zh="零售部")
    complaints = DepartmentFactory(code="complaints", name="Complaints", name_zh="投诉部")
    touchpoints = {
        "card": TouchpointFactory(
            code="card_dispute", name="Card dispute", department=cards, journey_stage="service"
        ),
        "branch": TouchpointFactory(code="branch_visit", department=retail),
    }
    rules = {
        "fraud": RoutingRule(name="fraud", position=10, keywords=["fraud"],
                             department_id=complaints.id, priority="P1"),
        "detractor": RoutingRule(name="detractor", position=50,
                                 scores=[{"metric": "nps", "op": "<=", "value": 6}]),
        "branch_low": RoutingRule(name="branch_low", position=60,
                                  scores=[{"metric": "nps", "op": "<=", "value": 4}],
                                  touchpoints=["branch_visit"], department_id=retail.id),
        "retired": RoutingRule(name="retired", position=1, active=False),  # above all, inactive
    }  # fmt: skip
    session.add_all(rules.values())
    session.flush()
    responses = {
        label: respond(session, touchpoints[tp], *rest) for label, (tp, *rest) in BANK.items()
    }
    bank = SimpleNamespace(**locals())
    case_of(session, bank, "c_moved").department_id = complaints.id
    session.commit()
    return bank


def case_of(session, bank, label):
    return session.scalars(
        sa.select(Case).where(Case.response_id == bank.responses[label].id)
    ).one()


def draft(**given):
    """The rule form's values that a trial reads, with `given` changed."""
    return {
        "name": "draft", "position": 20, "scores": [], "polarity_below": None, "keywords": [],
        "touchpoints": [], "journey_stages": [], "segments": [], "attributes": {},
        "opens_case": True, "department_id": None, **given,
    }  # fmt: skip


def card_trouble(bank):
    """Card detractors and passives (NPS 7 or less) to complaints, tried below `fraud`."""
    return draft(
        name="card_trouble",
        scores=[{"metric": "nps", "op": "<=", "value": 7}],
        touchpoints=["card_dispute"],
        department_id=bank.complaints.id,
    )


def changes(trial):
    return [
        (c.department.code, c.receives, c.new, c.moved_in, c.moved_out, c.dropped)
        for c in trial.departments
    ]


def examples(trial):
    return [
        (
            e.touchpoint.code,
            e.scores,
            e.comment,
            e.case_department.code if e.case_department else None,
        )
        for e in trial.examples
    ]


def test_a_rule_below_another_counts_only_what_it_would_match_first(session, bank):
    trial = try_on_history(session, card_trouble(bank), rule_id=None, now=utcnow())
    # Card responses with NPS <= 7: eight in the period, c_fraud and c_fraud7 taken by `fraud`.
    assert (trial.responses, trial.matched, trial.shadowed) == (20, 6, 2)
    # c_seven and c_seven2 had no case; c_slow, c_five and c_zero went to cards; c_moved's case
    # is already with complaints.
    assert (trial.newly_opened, trial.moved, trial.no_longer_opened, trial.unchanged) == (
        2, 3, 0, 1
    )  # fmt: skip
    assert trial.released == 0
    assert changes(trial) == [("complaints", 6, 2, 3, 0, 0), ("cards", 0, 0, 0, 3, 0)]
    assert examples(trial) == [
        ("card_dispute", {"nps": 3}, "Slow <b>dispute</b> handling", "cards"),
        ("card_dispute", {"nps": 5}, "", "cards"),
        ("card_dispute", {"nps": 7}, "Could be better", None),
        ("card_dispute", {"nps": 6}, "", "complaints"),
        ("card_dispute", {"nps": 0}, "", "cards"),
        ("card_dispute", {"nps": 7}, "", None),
    ]
    case = {k: case_of(session, bank, k).id for k in ("c_slow", "c_five", "c_moved", "c_zero")}
    assert [e.case_id for e in trial.examples] == [
        case["c_slow"], case["c_five"], None, case["c_moved"], case["c_zero"], None
    ]  # fmt: skip


def test_an_edit_replaces_the_stored_rule_and_shows_what_it_lets_go(session, bank):
    detractor = bank.rules["detractor"]
    # Moved below branch_low, down to NPS 3, and opening no case. Left in, the stored version
    # (position 50, every NPS <= 6) would take all of these first and the draft match nothing.
    edited = draft(
        name="detractor",
        position=95,
        scores=[{"metric": "nps", "op": "<=", "value": 3}],
        opens_case=False,
    )
    trial = try_on_history(session, edited, rule_id=detractor.id, now=utcnow())
    # NPS <= 3: c_fraud, b_fraud, b_fraud3 (fraud) and b_one (branch_low) are taken above.
    assert (trial.matched, trial.shadowed) == (2, 4)
    assert (trial.newly_opened, trial.moved, trial.no_longer_opened, trial.unchanged) == (
        0, 0, 2, 0
    )  # fmt: skip
    assert changes(trial) == [("cards", 0, 0, 0, 0, 2)]
    # detractor opened c_slow, c_five, c_moved, c_zero, b_one, b_four and b_six; the draft
    # takes c_slow and c_zero.
    assert trial.released == 5
    assert [e[3] for e in examples(trial)] == ["cards", "cards"]


def test_without_a_department_cases_go_to_the_touchpoints_department(session, bank):
    promoters = draft(
        name="promoters", position=5, scores=[{"metric": "nps", "op": ">=", "value": 9}]
    )
    trial = try_on_history(session, promoters, rule_id=None, now=utcnow())
    assert (trial.matched, trial.newly_opened, trial.shadowed) == (5, 5, 0)
    assert changes(trial) == [("retail", 3, 3, 0, 0, 0), ("cards", 2, 2, 0, 0, 0)]


def test_each_condition_reads_its_own_fact_of_the_response(session, bank):
    first = {"position": 1}
    conditions = {
        "keywords": draft(keywords=["FRAUD"], **first),
        "touchpoint": draft(touchpoints=["branch_visit"], **first),
        "journey stage": draft(journey_stages=["service"], **first),
        "segment": draft(segments=["vip"], **first),
        "attribute": draft(attributes={"branch": ["North"]}, **first),
        "sentiment": draft(polarity_below=-0.3, **first),
        "csat": draft(scores=[{"metric": "csat", "op": "<=", "value": 2}], **first),
        "everything": draft(**first),
    }
    matched = {
        name: try_on_history(session, values, rule_id=None, now=utcnow()).matched
        for name, values in conditions.items()
    }
    assert matched == {
        "keywords": 4, "touchpoint": 9, "journey stage": 11, "segment": 2, "attribute": 2,
        "sentiment": 2, "csat": 0, "everything": 20,
    }  # fmt: skip


def rule_form(bank, **typed):
    """What the admin types for card_trouble, tried rather than saved."""
    return {
        "name": "card_trouble", "position": "20", "scores": "nps <= 7", "polarity_below": "",
        "keywords": "", "touchpoints": ["card_dispute"], "journey_stages": [], "attributes": "",
        "opens_case": "y", "department_id": str(bank.complaints.id), "priority": "P1",
        "first_contact_hours": "4", "resolve_hours": "24", "assignee_id": "0", "trial": "y",
        **typed,
    }  # fmt: skip


def test_the_page_shows_the_trial_keeps_what_was_typed_and_stores_nothing(
    client, session, bank, admin
):
    token = csrf_token(client.get("/admin/rules/new").get_data(as_text=True))
    before = snapshot()
    page = client.post("/admin/rules/new", data={"csrf_token": token, **rule_form(bank)})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert snapshot() == before
    assert "first match for 6 of the 20 responses routed since" in html
    assert "2 more match it, but a rule above takes them first." in html
    for line in (
        "2 would newly open a case",
        "3 would go to another department",
        "1 would stay as they are",
        "<strong>Complaints</strong>: 6 cases · 2 new · 3 from another department</li>",
        "<strong>Cards</strong>: 3 of its cases to another department</li>",
    ):
        assert line in html
    assert "Slow &lt;b&gt;dispute&lt;/b&gt; handling" in html and "<b>dispute" not in html
    assert f'href="/cases/{case_of(session, bank, "c_slow").id}"' in html
    # Exactly what was typed, the untouched "active" box (ticked by default) left unticked.
    assert 'value="card_trouble"' in html and 'value="nps &lt;= 7"' in html
    assert 'value="4"' in html and '<option selected value="P1">' in html
    assert re.search(r'<input checked class="form-check-input" id="touchpoints-0"', html)
    assert re.search(r'<input checked class="form-check-input" id="opens_case"', html)
    assert 'id="active" name="active" type="checkbox" value="y">' in html
    assert "This rule is not active" in html

    client.get("/admin/rules/new?lang=zh_CN")
    chinese = client.post("/admin/rules/new", data={"csrf_token": token, **rule_form(bank)})
    assert "投诉部" in chinese.get_data(as_text=True)
    assert snapshot() == before


def test_the_edit_page_tries_the_edit_in_place_of_the_stored_rule(client, session, bank, admin):
    detractor = bank.rules["detractor"]
    url = f"/admin/rules/{detractor.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    before = snapshot()
    typed = {"name": "detractor", "position": "95", "scores": "nps<=3", "touchpoints": [],
             "opens_case": "", "department_id": "0", "active": "y"}  # fmt: skip
    html = client.post(url, data={"csrf_token": token, **rule_form(bank, **typed)}).get_data(
        as_text=True
    )
    assert "first match for 2 of the 20 responses" in html
    assert "2 would no longer open a case" in html and "2 of its cases no longer opened" in html
    assert "5 whose case this rule opened would no longer be its match" in html
    assert snapshot() == before


def test_a_wrong_draft_shows_its_errors_and_is_not_tried(client, session, bank, admin):
    token = csrf_token(client.get("/admin/rules/new").get_data(as_text=True))
    page = client.post(
        "/admin/rules/new", data={"csrf_token": token, **rule_form(bank, scores="nps < 7")}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Write metric, &lt;= or &gt;=, and a number" in html
    assert "Tried on the last 30 days" not in html and 'value="nps &lt; 7"' in html


def test_a_comment_is_cut_to_its_first_words():
    assert first_words("  Waited\n an hour ") == "Waited an hour"
    long = "word " * 30
    assert first_words(long) == ("word " * 16).strip() + "…"
    assert first_words("排" * 100) == "排" * 80 + "…"
