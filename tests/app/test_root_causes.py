"""Root causes of the view's resolved cases, worked out by hand on the dashboard's bank.

Cohort (tests/app/dashboard_bank.py): c1 closed (Cards, branch visit), c2 closed and c4
resolved (Loans, loan approval), c3 in progress, c5 cancelled, c6 new; c0 in the previous period.
"""

import re
from datetime import timedelta

import pytest

from app.models import CaseEvent, CaseStatus
from app.services.cases.lifecycle import resolve_case, transition_case
from app.services.reports.filters import ReportFilter
from app.services.reports.root_causes import reopened_causes, root_causes
from tests.app.dashboard_bank import END, NOW, START, build_bank
from tests.app.test_dashboard_pages import PERIOD as PERIOD_QUERY
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory

PERIOD = ReportFilter(start=START, end=END)


@pytest.fixture
def bank(session):
    bank = build_bank(session)
    causes = {"c1": "waiting_time", "c2": "process_or_documents", "c4": "waiting_time"}
    causes |= {"c3": "staff_behaviour", "c0": "other"}  # open now; before the period
    for name, cause in causes.items():
        bank.cases[name].root_cause = cause
    session.commit()
    return bank


def resolved(session, case, *causes):
    """Resolution entries on the case's timeline, each with the cause it records (or none)."""
    for hours, cause in enumerate(causes):
        session.add(
            CaseEvent(
                case_id=case.id, at=case.opened_at + timedelta(hours=hours), kind="status",
                from_status="in_progress", to_status="resolved",
                data={"root_cause": cause} if cause else {},
            )
        )  # fmt: skip


def test_root_causes_by_department_and_touchpoint(session, bank):
    found = root_causes(session, PERIOD)
    assert (found.cases, found.causes) == (3, ["waiting_time", "process_or_documents"])
    assert found.totals == {"waiting_time": 2, "process_or_documents": 1}
    assert [(r.owner.code, r.cases, r.causes) for r in found.by_department] == [
        ("cards", 1, {"waiting_time": 1}),
        ("loans", 2, {"process_or_documents": 1, "waiting_time": 1}),
    ]
    assert [(r.owner.code, r.cases) for r in found.by_touchpoint] == [
        ("branch_visit", 1),
        ("loan_approval", 2),
    ]
    north = ReportFilter(start=START, end=END, branch="North")  # c6, new: nothing resolved
    assert root_causes(session, north).cases == 0


def test_a_reopened_case_is_compared_only_when_every_cause_was_recorded(session, bank):
    cases = bank.cases
    cases["c1"].reopen_count = cases["c2"].reopen_count = 1  # c4 was reopened already
    resolved(session, cases["c4"], "staff_behaviour", "waiting_time")  # another cause
    resolved(session, cases["c2"], "process_or_documents", "process_or_documents")  # the same
    resolved(session, cases["c1"], None, "waiting_time")  # the first cause is not known
    session.commit()
    reopened = reopened_causes(session, PERIOD)
    assert (reopened.cases, reopened.comparable, reopened.changed) == (3, 2, 1)
    assert reopened.changed_rate == 0.5


def test_each_resolution_keeps_its_root_cause_on_the_timeline(session, bank):
    """Resolved, reopened and resolved with another cause through the lifecycle: the case shows
    the latest cause, and the timeline the earlier one to compare with (c4's earlier
    resolution was recorded before causes were kept, so it stays out of the comparison)."""
    case, person = bank.cases["c3"], UserFactory(department=bank.loans)
    session.flush()
    resolve_case(session, case, person, root_cause="system_error", summary="fixed", now=NOW)
    transition_case(session, case, CaseStatus.REOPENED, person, "again", now=NOW)
    resolve_case(session, case, person, root_cause="other", summary="fixed", now=NOW)
    reopened = reopened_causes(session, PERIOD)
    assert (reopened.cases, reopened.comparable, reopened.changed_rate) == (2, 1, 1.0)  # c3, c4
    assert case.root_cause == "other"


def test_the_topics_tab_shows_root_causes_in_words(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard/topics?{PERIOD_QUERY}").get_data(as_text=True)
    departments = html[
        html.index('id="causes-departments"') : html.index(
            "</table>", html.index('id="causes-departments"')
        )
    ]
    assert "Process or documents" in departments and "process_or_documents" not in departments
    assert re.search(r'data-label="Waiting time"><span class="figure">50\.0&nbsp;%', departments)
    assert "1 case was reopened and resolved again, but the root cause" in html
