"""An admin edits a touchpoint's rules in the UI; nobody else can."""

import re

import pytest
import sqlalchemy as sa

from app.models import Department, OutboxMessage, RoutingRule, Touchpoint, utcnow
from app.services.cases.case_routing import active_rules
from tests.conftest import csrf_token
from tests.factories import (
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
)
from workflows.routing_rules import ResponseFacts, route


def form_of(client, url):
    page = client.get(url).get_data(as_text=True)
    return page, csrf_token(page)


def test_an_admin_changes_when_and_whom_a_touchpoint_asks(client, session, admin):
    touchpoint = TouchpointFactory(code="loan_approval")
    session.commit()
    url = "/admin/touchpoints/loan_approval"
    _, token = form_of(client, url)
    result = client.post(
        url,
        data={
            "csrf_token": token,
            "name": "Loan approval",
            "name_zh": "贷款审批",
            "department_id": str(touchpoint.department_id),
            "survey_code": "service_csat",
            "journey_stage": "borrowing",
            "journey_order": "6",
            "delay_minutes": "60",
            "send_at_local_time": "09:30",
            "sampling_percent": "50",
            "segments": ["vip", "private"],
            "expiry_days": "10",
            "reminder_hours": "120, 48",
            "priority": "80",
            "cooldown_days": "14",
            "overrides_fatigue": "",
            "active": "y",
        },
    )
    assert result.status_code == 302
    session.expire_all()
    saved = session.get(Touchpoint, touchpoint.id)
    assert (saved.survey_code, saved.send_at_local_time, saved.sampling_rate) == (
        "service_csat",
        "09:30",
        0.5,
    )
    assert saved.segments == ["vip", "private"] and saved.reminder_hours == [48, 120]
    assert (saved.priority, saved.overrides_fatigue, saved.active) == (80, False, True)


def test_a_wrong_time_is_explained_and_nothing_changes(client, session, admin):
    touchpoint = TouchpointFactory(code="branch_visit", send_at_local_time=None)
    session.commit()
    _, token = form_of(client, "/admin/touchpoints/branch_visit")
    result = client.post(
        "/admin/touchpoints/branch_visit",
        data={"csrf_token": token, "name": "x", "name_zh": "x", "send_at_local_time": "25:00"},
    )
    assert result.status_code == 200 and "Use HH:MM." in result.get_data(as_text=True)
    session.expire_all()
    assert session.get(Touchpoint, touchpoint.id).send_at_local_time is None


def test_the_invitations_page_says_why_in_words_with_touchpoints_by_name(client, session, admin):
    touchpoint = TouchpointFactory(code="loan_approval", name="Loan approval", name_zh="贷款审批")
    InvitationFactory(
        status="deferred",
        reason="deferred: asked about loan_approval within 30 days; quiet hours in Asia/Shanghai",
        event__touchpoint=touchpoint,
    )
    session.commit()
    html = client.get("/admin/invitations?status=deferred").get_data(as_text=True)
    assert "already asked about Loan approval in the last 30 days" in html
    assert "quiet hours where the customer lives (Asia/Shanghai)" in html
    assert ">waiting</span>" in html and "loan_approval" not in html and ">deferred<" not in html
    chinese = client.get("/admin/invitations?status=deferred&lang=zh_CN").get_data(as_text=True)
    assert "贷款审批" in chinese and "loan_approval" not in chinese


RULE_FORM = {
    "name": "vip_refund",
    "position": "5",
    "active": "y",
    "scores": "csat<=2, nps <= 6",
    "polarity_below": "",
    "keywords": "refund, 退款",
    "journey_stages": [],
    "segments": ["vip"],
    "attributes": "branch: Central, Airport",
    "opens_case": "y",
    "department_id": "0",
    "priority": "P1",
    "first_contact_hours": "2",
    "resolve_hours": "16",
    "assignee_id": "0",
    "round_robin": "y",
}


def test_an_admin_writes_a_rule_and_routing_follows_it(client, session, admin):
    _, token = form_of(client, "/admin/rules/new")
    result = client.post("/admin/rules/new", data={"csrf_token": token, **RULE_FORM})
    assert result.status_code == 302
    rule = session.scalars(sa.select(RoutingRule)).one()
    assert rule.scores == [
        {"metric": "csat", "op": "<=", "value": 2},
        {"metric": "nps", "op": "<=", "value": 6},
    ]
    assert (rule.keywords, rule.segments, rule.attributes) == (
        ["refund", "退款"], ["vip"], {"branch": ["Central", "Airport"]}
    )  # fmt: skip
    facts = ResponseFacts(
        nps=3, comment="我要退款", segment="vip", department_id=7, attributes={"branch": "Airport"}
    )
    decision = route(facts, [r for _, r in active_rules(session)])
    assert (decision.rule, decision.priority, decision.department_id) == ("vip_refund", "P1", 7)
    assert decision.reason == "NPS 3 ≤ 6; mentions 退款; segment vip; branch Airport"
    page = client.get(f"/admin/rules/{rule.id}").get_data(as_text=True)
    assert 'value="csat&lt;=2, nps&lt;=6"' in page and "Central, Airport" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("scores", "nps < 6", "Write metric, &lt;= or &gt;=, and a number"),
        ("attributes", "branch Central", "Write name: value, value"),
        ("polarity_below", "2", "Number must be between -1 and 1"),
    ],
)
def test_a_wrong_rule_is_explained_and_nothing_is_stored(
    client, session, admin, field, value, message
):
    _, token = form_of(client, "/admin/rules/new")
    result = client.post("/admin/rules/new", data={"csrf_token": token, **RULE_FORM, field: value})
    assert result.status_code == 200 and message in result.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) == 0


def test_two_rules_cannot_share_a_name(client, session, admin):
    session.add(RoutingRule(name="vip_refund", position=1))
    session.commit()
    _, token = form_of(client, "/admin/rules/new")
    result = client.post("/admin/rules/new", data={"csrf_token": token, **RULE_FORM})
    assert "Another rule already has this name." in result.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) == 1


def test_the_admin_tries_the_rules_on_a_made_up_answer(client, session, admin):
    TouchpointFactory(code="branch_visit")
    session.add(RoutingRule(name="fraud", position=1, keywords=["fraud"], priority="P1"))
    session.commit()
    hit = client.get("/admin/rules?tp=branch_visit&metric=nps&score=9&comment=Possible+fraud")
    assert "<strong>fraud</strong>: mentions fraud." in hit.get_data(as_text=True)
    assert "It opens a case: P1 · urgent." in hit.get_data(as_text=True)
    miss = client.get("/admin/rules?tp=branch_visit&metric=nps&score=9&comment=Lovely")
    assert "No rule matches: no case." in miss.get_data(as_text=True)


def test_an_admin_sets_how_a_department_hears_of_cases(client, session, admin):
    department = DepartmentFactory(code="cards", name="Cards")
    session.commit()
    url = "/admin/departments/cards"
    _, token = form_of(client, url)
    form = {"csrf_token": token, "name": "Cards", "name_zh": "信用卡部", "notify_mode": "digest"}
    wrong = client.post(url, data={**form, "notify_email": "not an address"})
    assert "Invalid email address." in wrong.get_data(as_text=True)
    assert client.post(url, data={**form, "notify_email": "cards@bank.example"}).status_code == 302
    session.expire_all()
    saved = session.get(Department, department.id)
    assert (saved.notify_mode, saved.notify_email, saved.name_zh) == (
        "digest", "cards@bank.example", "信用卡部"
    )  # fmt: skip
    assert "One digest a day" in client.get("/admin/departments").get_data(as_text=True)


def test_a_failed_message_is_visible_and_can_be_sent_again_once(client, session, admin):
    failed = OutboxMessage(
        kind="invitation", subject_key="inv:1", recipient="mei@example.com", subject="s",
        body_text="t", body_html="h", status="failed", attempts=6, next_attempt_at=utcnow(),
        last_error="550 mailbox unavailable",
    )  # fmt: skip
    session.add(failed)
    session.commit()
    page, token = form_of(client, "/admin/outbox?status=failed")
    assert "550 mailbox unavailable" in page and "Survey invitation" in page
    assert re.search(r'aria-current="page">failed <span class="badge[^"]*">1</span>', page)
    url = f"/admin/outbox/{failed.id}/retry"
    assert "Queued again" in client.post(
        url, data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Only a failed message can be sent again." in again.get_data(as_text=True)
    session.expire_all()
    assert (failed.status, failed.attempts) == ("pending", 0)


def test_rules_and_invitations_are_listed_a_page_at_a_time_and_rules_searched(
    client, session, admin
):
    for n in range(30):
        session.add(RoutingRule(name=f"rule_{n:02d}", position=n))
        InvitationFactory()
    session.commit()
    first = client.get("/admin/rules").get_data(as_text=True)
    assert "rule 00" in first and "rule 29" not in first and "Page 1 of 2" in first
    found = client.get("/admin/rules?q=rule_29").get_data(as_text=True)
    assert "rule 29" in found and "rule 00" not in found
    assert "Page 2 of 2" in client.get("/admin/invitations?page=2").get_data(as_text=True)


def options_of(html, name):
    """A select's or a set of boxes' (value, words) pairs, as the form offers them."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    box = rf'name="{name}" type="checkbox" value="([^"]+)"> <label[^>]*>([^<]*)<'
    return re.findall(box, html)


def test_the_touchpoint_form_offers_journey_stages_and_segments_as_words(client, session, admin):
    TouchpointFactory(code="branch_visit", journey_stage="branch_banking")  # a stage of its own
    session.commit()
    html = client.get("/admin/touchpoints/branch_visit").get_data(as_text=True)
    stages = options_of(html, "journey_stage")
    assert ("everyday_banking", "Everyday banking") in stages
    assert ("borrowing", "Borrowing") in stages
    assert ("branch_banking", "branch banking") in stages  # kept, so saving does not change it
    assert re.search(r'<option selected value="branch_banking">', html)
    assert ("vip", "VIP") in options_of(html, "segments")
    assert ("mass", "Retail") in options_of(html, "segments")
    chinese = client.get("/admin/touchpoints/new?lang=zh_CN").get_data(as_text=True)
    assert ("borrowing", "贷款融资") in options_of(chinese, "journey_stage")
    assert "branch_banking" not in chinese  # a new touchpoint is offered the journey's stages only


def test_the_rule_form_offers_stages_segments_and_priorities_as_words(client, session, admin):
    session.add(RoutingRule(name="old_stage", position=1, journey_stages=["branch_banking"]))
    session.commit()
    rule_id = session.scalar(sa.select(RoutingRule.id))
    html = client.get(f"/admin/rules/{rule_id}").get_data(as_text=True)
    assert ("saving_investing", "Saving and investing") in options_of(html, "journey_stages")
    assert ("branch_banking", "branch banking") in options_of(html, "journey_stages")
    assert re.search(r'<input checked class="form-check-input" id="journey_stages-\d+"', html)
    assert ("private", "Private banking") in options_of(html, "segments")
    assert ("P1", "P1 · urgent") in options_of(html, "priority")
    _, token = form_of(client, "/admin/rules/new")
    form = {"csrf_token": token, **RULE_FORM, "journey_stages": ["borrowing", "service"]}
    assert client.post("/admin/rules/new", data=form).status_code == 302
    saved = session.scalar(sa.select(RoutingRule).where(RoutingRule.name == "vip_refund"))
    assert saved.journey_stages == ["borrowing", "service"]
    listed = client.get("/admin/rules").get_data(as_text=True)
    assert "journey stage: Borrowing, Service and complaints" in listed
    assert "segment: VIP" in listed and "P1 · urgent" in listed
