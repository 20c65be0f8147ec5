"""The case page names what the comment is about, by the topics' names in the reader's language,
with the customer's own words that gave each topic away, and says in words when a topic rule
opened the case."""

import pytest
import sqlalchemy as sa

from app.models import ResponseTopic, RoutingRule, Topic
from app.services.cases.case_view import comment_topics
from tests.app.test_case_page import page_of, visible_text
from tests.conftest import login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory


@pytest.fixture
def fees_case(session, detractor_case):
    """A case whose comment is about fees (手续费, 年费) and waiting, read by a staff member."""
    department = DepartmentFactory(code="cards", name="Cards")
    case = detractor_case(department, comment="排队一个小时，手续费和年费也太高了")
    staff = UserFactory(department=department)
    session.commit()
    return case, staff


def test_the_stored_topics_come_in_the_taxonomys_order_with_their_evidence(session, fees_case):
    case, _staff = fees_case
    found = comment_topics(session, case.response_id)
    assert [(t.topic.code, t.evidence) for t in found][:2] == [
        ("fees", ["手续费", "年费"]),
        ("waiting_time", ["排队", "小时"]),
    ]


@pytest.mark.parametrize(
    ("lang", "fees", "words", "waiting"),
    [
        ("en", "Fees and charges", "手续费, 年费", "Waiting time"),
        ("zh_CN", "费用与收费", "手续费、年费", "等候时间"),
    ],
)
def test_the_case_page_shows_the_topics_by_name_with_the_words(
    client, session, fees_case, lang, fees, words, waiting
):
    case, staff = fees_case
    login(client, staff.email, PASSWORD)
    text = visible_text(page_of(client, case, lang))
    assert f"{fees} " in text and words in text and waiting in text
    assert "waiting_time" not in text and " fees " not in text


def test_a_renamed_topic_is_shown_by_its_new_name(client, session, fees_case):
    case, staff = fees_case
    session.execute(sa.update(Topic).where(Topic.code == "fees").values(name="Bank charges"))
    session.commit()
    login(client, staff.email, PASSWORD)
    assert "Bank charges" in visible_text(page_of(client, case))


def test_a_comment_without_topics_shows_none(client, session, fees_case):
    case, staff = fees_case
    session.execute(sa.delete(ResponseTopic).where(ResponseTopic.response_id == case.response_id))
    session.commit()
    login(client, staff.email, PASSWORD)
    assert "Topics" not in visible_text(page_of(client, case))


def test_a_case_opened_by_a_topic_rule_says_which_topic(client, session, detractor_case):
    complaints = DepartmentFactory(code="complaints", name="Complaints")
    session.add(RoutingRule(name="fraud", position=1, topics=["fraud_security"],
                            department_id=complaints.id, priority="P1"))  # fmt: skip
    session.commit()
    case = detractor_case(comment="My card was stolen and nobody called back")
    assert case.reason == "topic fraud_security"
    staff = UserFactory(department=complaints)
    session.commit()
    login(client, staff.email, PASSWORD)
    text = visible_text(page_of(client, case))
    assert "Why: fraud — about Fraud and security" in text
    assert "fraud_security" not in text
