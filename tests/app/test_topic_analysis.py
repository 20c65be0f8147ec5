"""The taxonomy lives in the database, seeded from the shipped topics on first use; routing gives
every comment its topics with the words that matched, and a stored rule may route on a topic."""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.models import Case, Response, ResponseTopic, RoutingRule, Topic
from app.services.cases.case_routing import route_response
from app.services.feedback.survey_versions import sync_surveys
from app.services.feedback.topic_analysis import analyse_topics, taxonomy, topic_rows
from surveys.topics import default_taxonomy
from tests.factories import DepartmentFactory, InvitationFactory, answer
from workflows.sla import BusinessCalendar

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def respond(session, nps, comment):
    sync_surveys(session)
    response_id = answer(session, InvitationFactory(), {"nps": nps, "comment": comment},
                         now=MONDAY_10)  # fmt: skip
    case = route_response(session, response_id, now=MONDAY_10, calendar=BusinessCalendar())
    return response_id, case


def topics_of(session, response_id):
    rows = session.scalars(
        sa.select(ResponseTopic).where(ResponseTopic.response_id == response_id)
    ).all()
    return {row.topic: row.evidence for row in rows}


def test_the_first_reader_seeds_the_shipped_topics_once_in_their_order(session):
    assert session.scalar(sa.select(sa.func.count()).select_from(Topic)) == 0
    assert taxonomy(session) == default_taxonomy()
    session.commit()
    assert taxonomy(session) == default_taxonomy()
    assert session.scalar(sa.select(sa.func.count()).select_from(Topic)) == len(default_taxonomy())
    fees = session.scalar(sa.select(Topic).where(Topic.code == "fees"))
    assert (fees.name, fees.name_zh, fees.position) == ("Fees and charges", "费用与收费", 0)


def test_an_inactive_topic_is_not_read_and_an_added_keyword_is(session):
    rows = {row.code: row for row in topic_rows(session)}
    rows["fees"].active = False
    rows["waiting_time"].keywords_en = [*rows["waiting_time"].keywords_en, "sloth"]
    session.flush()
    codes = [topic.code for topic in taxonomy(session)]
    assert "fees" not in codes and codes[0] == "waiting_time"
    response_id, _ = respond(session, 3, "A sloth would be faster, and the fee is a joke")
    assert topics_of(session, response_id) == {"waiting_time": ["sloth"]}


def test_routing_stores_each_topic_of_a_comment_with_the_words_that_matched(session):
    comment = "Waited 40 minutes in the queue and the teller was rude about the fee."
    english, _ = respond(session, 2, comment)
    assert topics_of(session, english) == {
        "fees": ["fee"],
        "waiting_time": ["Waited", "minutes", "queue"],
        "staff_attitude": ["teller", "rude"],
    }
    chinese, _ = respond(session, 2, "排了一个小时的队，柜员态度很差，还多扣了手续费")
    found = topics_of(session, chinese)
    assert found["fees"] == ["多扣", "手续费"]
    assert found["staff_attitude"] == ["柜员", "态度"]
    assert found["waiting_time"] == ["排了", "小时"]
    none, _ = respond(session, 9, "Thanks, all good")
    assert topics_of(session, none) == {}


def test_reading_a_comment_again_replaces_its_topics(session):
    response_id, _ = respond(session, 2, "The app crashed again")
    assert set(topics_of(session, response_id)) == {"digital_banking"}
    response = session.get(Response, response_id)
    response.comment = "My card was declined"
    analyse_topics(session, response)
    assert topics_of(session, response_id) == {"cards": ["card", "declined"]}


def test_a_stored_rule_routes_on_a_topic_whatever_the_score(session):
    complaints = DepartmentFactory(code="complaints")
    session.add(
        RoutingRule(
            name="fraud",
            position=1,
            topics=["fraud_security"],
            department_id=complaints.id,
            priority="P1",
        )  # fmt: skip
    )
    session.flush()
    _, case = respond(session, 9, "Someone used my card for a payment I never made")
    assert (case.rule, case.priority, case.department_id) == ("fraud", "P1", complaints.id)
    assert "fraud_security" in case.reason
    _, none = respond(session, 9, "My card works fine")
    assert none is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1
