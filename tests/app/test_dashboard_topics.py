"""The dashboard's Topics tab against figures worked out by hand on the dashboard's bank.

Comments of the period (tests/app/dashboard_bank.py), with the topics given here:
b10 (NPS 10, branch) staff attitude; b3 (3, branch) waiting time, staff attitude; l6 (6, loan),
l5 (5, loan) loans; l2 (2, loan) loans, waiting time. Five comments, four of them detractors'.
"""

import re
from datetime import UTC, datetime

import pytest

from app.models import Response, ResponseTopic, Topic
from app.services.reports.filters import ReportFilter
from app.services.reports.topics import topic_names, topic_report
from tests.app.dashboard_bank import END, START, at, build_bank
from tests.app.test_dashboard_pages import PERIOD as PERIOD_QUERY
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory

PERIOD = ReportFilter(start=START, end=END)
TOPICS = {
    "Great service": ["staff_attitude"],
    "Queue too long, rude staff": ["waiting_time", "staff_attitude"],
    "审批慢": ["loans"],
    "审批太慢了": ["loans"],
    "贷款审批太慢，排队时间太长": ["loans", "waiting_time"],
}


def comment(session, touchpoint, when, nps, text, topics):
    """A response with a comment and the topics found in it."""
    category = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
    response = Response(
        survey_code="touchpoint_nps", survey_version=1, touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage, department_id=touchpoint.department_id,
        channel="email", segment="mass", submitted_at=when, nps=nps, nps_category=category,
        language="en", routing_status="routed", comment=text,
    )  # fmt: skip
    session.add(response)
    session.flush()
    session.add_all(ResponseTopic(response_id=response.id, topic=code) for code in topics)
    return response


@pytest.fixture
def bank(session):
    bank = build_bank(session)
    for response in session.query(Response).filter(Response.comment.in_(TOPICS)):
        session.add_all(
            ResponseTopic(response_id=response.id, topic=t) for t in TOPICS[response.comment]
        )
    session.commit()
    return bank


def figures(row):
    return (
        row.topic.code,
        row.comments,
        row.share,
        row.detractor_comments,
        row.detractor_share,
        row.nps_n,
        row.nps,
        row.nps_raw,
    )


def test_each_topics_volume_shares_and_nps(session, bank):
    report = topic_report(session, PERIOD, min_sample=3)
    assert (report.comments, report.detractor_comments) == (5, 4)
    assert [figures(row) for row in report.topics] == [
        # l6, l5, l2: all detractors (6, 5, 2): NPS -100 on 3 answers
        ("loans", 3, 0.6, 3, 0.75, 3, -100.0, -100.0),
        # b3, l2: both detractors; two answers are too few to judge
        ("waiting_time", 2, 0.4, 2, 0.5, 2, None, -100.0),
        # b10 (a promoter), b3 (a detractor): 0 on two answers
        ("staff_attitude", 2, 0.4, 1, 0.25, 2, None, 0.0),
    ]
    assert [t.code for t in report.touchpoints] == ["branch_visit", "loan_approval"]
    branch, loan = bank.branch.id, bank.loan.id
    assert report.by_touchpoint == {
        "loans": {loan: 3},
        "waiting_time": {branch: 1, loan: 1},
        "staff_attitude": {branch: 2},
    }


def test_the_dashboards_filters_apply(session, bank):
    loans = ReportFilter(start=START, end=END, department_id=bank.loans.id)
    report = topic_report(session, loans, min_sample=3)
    assert (report.comments, report.detractor_comments) == (3, 3)
    assert [(r.topic.code, r.comments, r.share) for r in report.topics] == [
        ("loans", 3, 1.0),
        ("waiting_time", 1, 0.3333),
    ]
    later = ReportFilter(start=datetime(2026, 3, 6, tzinfo=UTC), end=END)  # l6 only
    assert [
        (r.topic.code, r.comments) for r in topic_report(session, later, min_sample=3).topics
    ] == [("loans", 1)]


def test_topics_rising_against_the_previous_period(session, bank):
    # previous period (02-16..03-01): 4 comments, fees 1 and loans 3
    for day, topic in ((17, "fees"), (18, "loans"), (19, "loans"), (20, "loans")):
        comment(session, bank.loan, at(day, month=2), 5, "x", [topic])
    # this period: 7 more, fees 5 and loans 2: 12 comments, fees 5 and loans 5
    for day, topic in ((6, "fees"), (7, "fees"), (8, "fees"), (9, "fees"), (10, "fees")):
        comment(session, bank.branch, at(day), 4, "x", [topic])
    for day in (11, 12):
        comment(session, bank.loan, at(day), 4, "x", ["loans"])
    session.commit()
    report = topic_report(session, PERIOD, min_sample=3)
    assert (report.comments, report.previous_comments) == (12, 4)
    [fees] = report.rising  # loans fell (75 % to 41.7 %); waiting time has too few comments
    assert (fees.topic.code, fees.comments, fees.previous_comments) == ("fees", 5, 1)
    assert (fees.share, fees.previous_share, fees.share_change) == (0.4167, 0.25, 16.7)
    assert topic_report(session, ReportFilter(), min_sample=3).rising == []  # no period


def test_names_come_from_the_topic_table_or_else_the_shipped_taxonomy(session):
    shipped = topic_names(session)
    assert (shipped[1].code, shipped[1].name, shipped[1].name_zh) == (
        "waiting_time",
        "Waiting time",
        "等候时间",
    )
    session.add_all([
        Topic(code="queues", name="Queues", name_zh="排队", position=2),
        Topic(code="fees", name="Charges", name_zh="收费", position=1),
        Topic(code="old", name="Old", position=0, active=False),
    ])  # fmt: skip
    session.flush()
    assert [(t.code, t.name) for t in topic_names(session)] == [
        ("fees", "Charges"),
        ("queues", "Queues"),
    ]


def test_the_topics_tab_links_each_topic_to_its_comments(client, session, bank):
    session.add(Topic(code="loans", name="Loans and mortgages", name_zh="贷款与房贷", position=1))
    session.add(Topic(code="waiting_time", name="Waiting time", name_zh="等候时间", position=2))
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard?{PERIOD_QUERY}").get_data(as_text=True)
    assert f'href="/dashboard/topics?{PERIOD_QUERY}"' in html.replace("&amp;", "&")  # the tab
    html = client.get(f"/dashboard/topics?{PERIOD_QUERY}").get_data(as_text=True)
    assert 'aria-current="page">Topics</a>' in html
    assert "staff_attitude" not in html and "Staff attitude" not in html  # not in the table now
    row = re.search(r'<th scope="row"><a href="([^"]*)">Loans and mortgages</a>', html)
    link = row.group(1).replace("&amp;", "&")
    assert "topic=loans" in link and "start=2026-03-02" in link
    assert re.search(r'data-label="Share among detractors">.*?75\.0&nbsp;%', html)
    listed = client.get(link).get_data(as_text=True)
    assert (
        "<strong>3 responses</strong>" in listed
        and "Comments about “Loans and mortgages”" in listed
    )
    assert "Great service" not in listed and "审批太慢了" in listed
    chinese = client.get(f"/dashboard/topics?{PERIOD_QUERY}&lang=zh_CN").get_data(as_text=True)
    assert "贷款与房贷" in chinese and "Loans and mortgages" not in chinese
    assert client.get(f"/dashboard/responses?{PERIOD_QUERY}&topic=nonsense").status_code == 400


def test_staff_see_their_departments_topics(client, session, bank):
    staff = UserFactory(department=bank.cards)
    session.commit()
    login(client, staff.email, PASSWORD)
    html = client.get(f"/dashboard/topics?{PERIOD_QUERY}&department=loans").get_data(as_text=True)
    assert "2 comments, 1 of them from detractors" in html  # b10 and b3 only
    assert "Loans and mortgages" not in html and "Staff attitude" in html
