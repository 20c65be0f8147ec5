"""Routing rules on what a comment is about: a topic rule takes the comments about its topic,
the admin ticks topics by name (saved on the audit log, listed by name), and the trial on the
last 30 days judges the topics stored for each response."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEntry, Case, ResponseTopic, RoutingRule, utcnow
from app.services.cases.case_routing import route_response
from app.services.cases.rule_trial import try_on_history
from app.services.feedback.survey_versions import sync_surveys
from tests.conftest import csrf_token
from tests.factories import DepartmentFactory, InvitationFactory, TouchpointFactory, answer
from workflows.sla import BusinessCalendar

FRAUD_RULE = {
    "name": "fraud_first", "position": "1", "scores": "", "polarity_below": "", "keywords": "",
    "topics": ["fraud_security"], "attributes": "", "opens_case": "y", "priority": "P1",
    "first_contact_hours": "2", "resolve_hours": "16", "assignee_id": "0",
}  # fmt: skip


@pytest.fixture
def bank(session):
    """Complaints, a card touchpoint owned by Cards, and the rule "fraud and security →
    Complaints, P1" above every detractor to the touchpoint's department."""
    sync_surveys(session)
    complaints = DepartmentFactory(code="complaints", name="Complaints", name_zh="投诉部")
    cards = DepartmentFactory(code="cards", name="Cards")
    touchpoint = TouchpointFactory(code="card_dispute", name="Card dispute", department=cards)
    session.add_all(
        [
            RoutingRule(name="fraud", position=1, topics=["fraud_security"],
                        department_id=complaints.id, priority="P1"),
            RoutingRule(name="detractor", position=5,
                        scores=[{"metric": "nps", "op": "<=", "value": 6}]),
        ]
    )  # fmt: skip
    session.commit()
    return complaints, cards, touchpoint


def respond(session, touchpoint, nps, comment, days_ago=0):
    """A response submitted `days_ago`, routed then by the live rules; its case, if any."""
    at = utcnow() - timedelta(days=days_ago)
    invitation = InvitationFactory(event__touchpoint=touchpoint)
    response_id = answer(session, invitation, {"nps": nps, "comment": comment}, now=at)
    route_response(session, response_id, now=at, calendar=BusinessCalendar())
    session.commit()
    return response_id, session.scalar(sa.select(Case).where(Case.response_id == response_id))


def test_a_comment_about_fraud_goes_to_complaints_at_p1_and_the_case_says_why(session, bank):
    complaints, cards, touchpoint = bank
    _, case = respond(session, touchpoint, 9, "Someone used my card abroad, I think it's a scam")
    assert (case.department_id, case.priority, case.rule) == (complaints.id, "P1", "fraud")
    assert case.reason == "topic fraud_security"
    _, other = respond(session, touchpoint, 3, "The fee was too high")  # no fraud: next rule
    assert (other.department_id, other.priority, other.rule) == (cards.id, "P3", "detractor")
    assert respond(session, touchpoint, 9, "Lovely staff")[1] is None


def test_the_admin_ticks_topics_by_name_and_the_change_is_audited(client, session, admin, bank):
    complaints = bank[0]
    page = client.get("/admin/rules/new").get_data(as_text=True)
    assert 'value="fraud_security"' in page and "Fraud and security" in page
    form = {"csrf_token": csrf_token(page), **FRAUD_RULE, "department_id": str(complaints.id)}
    assert client.post("/admin/rules/new", data=form).status_code == 302
    rule = session.scalars(sa.select(RoutingRule).where(RoutingRule.name == "fraud_first")).one()
    assert rule.topics == ["fraud_security"]
    created = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject == f"rule:{rule.id}")
    ).one()
    assert created.detail["changes"]["topics"] == [None, ["fraud_security"]]  # a new rule

    url = f"/admin/rules/{rule.id}"
    edit = client.get(url).get_data(as_text=True)
    ticked = re.findall(r'<input checked [^>]*value="(\w+)"', edit)
    assert "fraud_security" in ticked and "fees" not in ticked
    changed = {**form, "csrf_token": csrf_token(edit), "topics": ["fraud_security", "fees"]}
    assert client.post(url, data=changed).status_code == 302
    session.expire_all()
    assert rule.topics == ["fraud_security", "fees"]
    updated = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rule.update")).one()
    assert updated.detail["changes"]["topics"] == [["fraud_security"], ["fraud_security", "fees"]]

    listed = client.get("/admin/rules?q=fraud_first").get_data(as_text=True)
    assert "about Fraud and security, Fees and charges" in listed
    assert "fraud_security" not in listed
    chinese = client.get("/admin/rules?q=fraud_first&lang=zh_CN").get_data(as_text=True)
    assert "欺诈与安全" in chinese and "费用与收费" in chinese


def test_a_made_up_answer_is_read_for_its_topics(client, session, admin, bank):
    touchpoint = bank[2]
    url = f"/admin/rules?tp={touchpoint.code}&metric=nps&score=9&comment="
    hit = client.get(url + "My+card+was+stolen").get_data(as_text=True)
    assert "<strong>fraud</strong>: about Fraud and security." in hit
    miss = client.get(url + "Lovely").get_data(as_text=True)
    assert "No rule matches: no case." in miss


def test_the_trial_counts_the_topics_stored_for_each_response(session, bank):
    complaints, _cards, touchpoint = bank
    session.execute(sa.update(RoutingRule).values(active=False))  # the draft alone decides
    fraud_comments = ["我的卡被盗刷了", "Phishing text pretending to be you", "Card stolen"]
    fraud = [respond(session, touchpoint, 8, text, days)[0] for days, text in enumerate(
        fraud_comments, start=1)]  # fmt: skip
    respond(session, touchpoint, 2, "排队太久了", days_ago=4)
    respond(session, touchpoint, 2, "Stolen card, months ago", days_ago=40)  # before the period
    draft = {
        "name": "draft", "position": 1, "scores": [], "polarity_below": None, "keywords": [],
        "topics": ["fraud_security"], "touchpoints": [], "journey_stages": [], "segments": [],
        "attributes": {}, "opens_case": True, "department_id": complaints.id,
    }  # fmt: skip
    trial = try_on_history(session, draft, rule_id=None, now=utcnow())
    assert (trial.responses, trial.matched, trial.newly_opened) == (4, 3, 3)
    assert [example.response_id for example in trial.examples] == fraud

    # The stored topics decide, as they did for routing: one read again without the topic.
    session.execute(sa.delete(ResponseTopic).where(ResponseTopic.response_id == fraud[0]))
    again = try_on_history(session, draft, rule_id=None, now=utcnow())
    assert (again.matched, [e.response_id for e in again.examples]) == (2, fraud[1:])
    either = try_on_history(
        session, {**draft, "topics": ["fraud_security", "waiting_time"]}, rule_id=None, now=utcnow()
    )
    assert either.matched == 3
