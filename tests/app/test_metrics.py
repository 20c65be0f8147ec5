from datetime import timedelta

import pytest

from app.models import utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import closed_loop
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory

FIRST_VERSION_FIELDS = (
    "cases_total",
    "cases_closed",
    "cases_confirmed",
    "cases_unconfirmed",
    "closure_rate",
    "median_hours_to_close",
)


def make_cases(session, detractor_case, durations_hours, open_cases=0, cancelled=0):
    """Closed cases taking the given hours, plus open and cancelled ones."""
    start = utcnow() - timedelta(days=30)
    for hours in durations_hours:
        case = detractor_case()
        case.opened_at = start
        case.status = "resolved"
        case.resolved_at = start + timedelta(hours=hours)
    for _ in range(open_cases):
        detractor_case()
    for _ in range(cancelled):
        detractor_case().status = "cancelled"
    session.commit()


def test_closure_rate_and_median_match_a_hand_computation(session, detractor_case):
    # closed after 2, 4, 10 and 30 hours; two open; one cancelled (left out of every figure)
    make_cases(session, detractor_case, [2, 4, 10, 30], open_cases=2, cancelled=1)
    figures = closed_loop(session, ReportFilter(), now=utcnow())
    assert figures.cases_total == 6
    assert figures.cases_closed == 4
    assert figures.closure_rate == pytest.approx(4 / 6, abs=1e-4)
    assert figures.median_hours_to_close == pytest.approx(7.0)  # (4 + 10) / 2


def test_an_odd_count_takes_the_middle_value(session, detractor_case):
    make_cases(session, detractor_case, [1, 5, 48])
    assert closed_loop(
        session, ReportFilter(), now=utcnow()
    ).median_hours_to_close == pytest.approx(5.0)


def test_no_cases_gives_no_rate_rather_than_zero(session):
    figures = closed_loop(session, ReportFilter(), now=utcnow())
    assert (figures.cases_total, figures.closure_rate, figures.median_hours_to_close) == (
        0,
        None,
        None,
    )


def test_the_api_answers_with_a_key(client, session, detractor_case):
    make_cases(session, detractor_case, [3], open_cases=1)
    _key, secret = create_api_key(session, "bi")
    session.commit()
    body = client.get(
        "/api/v1/metrics/closed-loop", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    first_version = {key: body[key] for key in FIRST_VERSION_FIELDS}  # newer fields come after
    assert first_version == {
        "cases_total": 2,
        "cases_closed": 1,
        "cases_confirmed": 0,
        "cases_unconfirmed": 0,
        "closure_rate": 0.5,
        "median_hours_to_close": 3.0,
    }


def test_the_api_answers_a_signed_in_manager_but_not_staff(client, session):
    manager, staff = UserFactory(role="cx_manager", department=None), UserFactory()
    session.commit()
    assert client.get("/api/v1/metrics/closed-loop").status_code == 401
    login(client, staff.email, PASSWORD)
    assert client.get("/api/v1/metrics/closed-loop").status_code == 401
    login(client, manager.email, PASSWORD)
    assert client.get("/api/v1/metrics/closed-loop").get_json()["cases_total"] == 0
