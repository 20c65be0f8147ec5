"""The staff scorecard: its figures worked out by hand on the dashboard's bank, and who sees it.

Cohort (tests/app/dashboard_bank.py): c1 closed and confirmed (a detractor, contact 2 h,
resolved 10 h, deadline 24 h), c2 closed unconfirmed (a detractor, contact 6 h, resolved
30 h: late), c3 in progress (a detractor, deadline passed), c4 resolved (a detractor, contact
1 h, first resolved 5 h, resolved again 20 h), c5 cancelled, c6 new (deadline after the period).
Here Alice has c1, c6 and the cancelled c5; Bob c2 and c4; nobody c3.
"""

import dataclasses

import pytest

from app.models import Role
from app.services.reports.filters import ReportFilter
from app.services.reports.scorecard import may_see_scorecard, staff_scorecard
from tests.app.dashboard_bank import END, NOW, START, build_bank
from tests.app.test_dashboard_pages import PERIOD as PERIOD_QUERY
from tests.conftest import login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

PERIOD = ReportFilter(start=START, end=END)


@pytest.fixture
def team(session):
    bank = build_bank(session)
    alice = UserFactory(name="Alice Wang", department=bank.cards, email="alice@bank.example.com")
    bob = UserFactory(name="", department=bank.loans, email="bob@bank.example.com")
    carol = UserFactory(name="Carol Li", department=bank.loans, heads_department=True)
    UserFactory(name="Dave Gone", department=bank.cards, active=False)
    for case, person in (("c1", alice), ("c6", alice), ("c5", alice), ("c2", bob), ("c4", bob)):
        bank.cases[case].assignee_id = person.id
    session.commit()
    return bank, alice, bob, carol


def figures(row):
    return (
        row.name,
        row.cases_handled,
        row.median_hours_to_first_contact,
        row.median_hours_to_close,
        (row.sla_met, row.sla_due, row.sla_met_rate),
        (row.detractors_rescued, row.detractor_cases),
    )


def test_each_persons_figures(session, team):
    rows = staff_scorecard(session, PERIOD, now=NOW)
    assert [figures(row) for row in rows] == [
        # c1, c6 (c5 cancelled): contact 2 h; closed c1 at 10 h; met c1 (c6 not due yet)
        ("Alice Wang", 2, 2.0, 10.0, (1, 1, 1.0), (1, 1)),
        # no name: the e-mail; contact 6 h and 1 h; resolved 30 h and 20 h; c2 late, c4 met;
        # neither rescued (c2 closed unconfirmed, c4 not closed yet)
        ("bob@bank.example.com", 2, 3.5, 25.0, (1, 2, 0.5), (0, 2)),
        ("Carol Li", 0, None, None, (0, 0, None), (0, 0)),  # active staff of the view, no case
        ("", 1, None, None, (0, 1, 0.0), (0, 1)),  # c3, nobody's: last
    ]
    assert rows[-1].user is None
    assert "Dave Gone" not in {row.name for row in rows}  # inactive, no case


def test_the_dashboards_filters_apply(session, team):
    bank, _alice, _bob, _carol = team
    loans = dataclasses.replace(PERIOD, department_id=bank.loans.id)
    assert [(r.name, r.cases_handled) for r in staff_scorecard(session, loans, now=NOW)] == [
        ("bob@bank.example.com", 2),
        ("Carol Li", 0),
        ("", 1),
    ]
    north = dataclasses.replace(PERIOD, branch="North")  # a response fact: c6 only
    alice = staff_scorecard(session, north, now=NOW)[0]
    assert (alice.name, alice.cases_handled) == ("Alice Wang", 1)
    earlier = ReportFilter(start=START.replace(month=2), end=START)  # c0, nobody's
    assert [(r.name, r.cases_handled) for r in staff_scorecard(session, earlier, now=NOW)] == [
        ("Alice Wang", 0),
        ("bob@bank.example.com", 0),
        ("Carol Li", 0),
        ("", 1),
    ]


def test_a_reopened_case_is_no_longer_rescued(session, team):
    bank, _alice, _bob, _carol = team
    bank.cases["c1"].status = "reopened"  # the confirmed closure stays stored; the case is open
    session.flush()
    alice = staff_scorecard(session, PERIOD, now=NOW)[0]
    assert (alice.name, alice.detractors_rescued, alice.detractor_cases) == ("Alice Wang", 0, 1)


@pytest.mark.parametrize(
    ("role", "heads", "sees"),
    [
        (Role.ADMIN, False, True),
        (Role.CX_MANAGER, False, True),
        (Role.STAFF, True, True),
        (Role.STAFF, False, False),
    ],
)
def test_who_may_see_the_scorecard(session, role, heads, sees):
    department = DepartmentFactory() if role == Role.STAFF else None
    user = UserFactory(role=role, department=department, heads_department=heads)
    assert may_see_scorecard(user) is sees


@pytest.mark.parametrize(
    ("role", "heads", "status"),
    [
        ("admin", False, 200),
        ("cx_manager", False, 200),
        ("staff", True, 200),
        ("staff", False, 403),
    ],
)
def test_the_scorecard_page_by_role(client, session, team, role, heads, status):
    bank, *_people = team
    viewer = UserFactory(
        role=role, department=bank.loans if role == "staff" else None, heads_department=heads
    )
    session.commit()
    login(client, viewer.email, PASSWORD)
    reply = client.get(f"/dashboard/scorecard?{PERIOD_QUERY}")
    assert reply.status_code == status
    overview = client.get(f"/dashboard?{PERIOD_QUERY}").get_data(as_text=True)
    assert ("/dashboard/scorecard" in overview) is (status == 200)  # the tab, only for them


def test_the_scorecard_needs_a_login(client, session):
    assert client.get("/dashboard/scorecard").status_code == 302


def test_a_head_sees_their_department_whatever_they_ask(client, session, team):
    _bank, _alice, _bob, carol = team
    login(client, carol.email, PASSWORD)
    html = client.get(f"/dashboard/scorecard?{PERIOD_QUERY}&department=cards").get_data(
        as_text=True
    )
    assert "bob@bank.example.com" in html and "Carol Li" in html
    assert "Alice Wang" not in html
    assert 'name="department"' not in html  # no department filter to offer


def test_a_manager_filters_the_scorecard_by_department_in_chinese(client, session, team):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard/scorecard?{PERIOD_QUERY}").get_data(as_text=True)
    assert "Alice Wang" in html and "Carol Li" in html
    assert "25.0 h" in html and "50.0&nbsp;%" in html  # Bob's median time to close, SLA met
    assert "Rescued detractors" in html and "follow-up survey" in html  # the definition
    cards = client.get(f"/dashboard/scorecard?{PERIOD_QUERY}&department=cards&lang=zh_CN")
    html = cards.get_data(as_text=True)
    assert "Alice Wang" in html and "Carol Li" not in html
    assert ">信用卡部</td>" in html  # Alice's department, by its Chinese name
