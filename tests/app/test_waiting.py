"""While a case waits on the customer, its resolve clock stops; the wait moves the deadline."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.models import Case, CaseEvent
from app.services.cases.lifecycle import (
    CaseRefused,
    resolve_case,
    resume_clock,
    transition_case,
    wait_on_customer,
)
from app.services.cases.sla_alerts import alert_due_cases
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, UserFactory
from workflows.sla import BusinessCalendar

CALENDAR = BusinessCalendar()  # Asia/Shanghai, 09:00-18:00, Monday to Friday
FRIDAY_5PM = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai
MONDAY_10AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
MONDAY_NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


@pytest.fixture
def waiting_case(session, detractor_case):
    """A case due Monday noon, put on hold on Friday at 17:00 by its department's staff."""
    case = detractor_case()
    case.due_resolve_at = MONDAY_NOON
    staff = UserFactory(department=case.department)
    session.flush()
    wait_on_customer(session, case, staff, note="Asked for the statement", now=FRIDAY_5PM)
    session.commit()
    return case, staff


def test_the_wait_in_business_hours_moves_the_deadline(session, waiting_case):
    case, staff = waiting_case
    resume_clock(session, case, staff, note="Statement came", now=MONDAY_10AM, calendar=CALENDAR)
    # Friday 17:00-18:00 and Monday 09:00-10:00 were open hours: two hours waited, not 65.
    assert case.paused_seconds == 2 * 3600
    assert case.due_resolve_at == MONDAY_NOON + timedelta(hours=2)
    assert case.waiting_since is None
    kinds = session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert kinds == ["opened", "waiting", "resumed"]


def test_no_alert_while_the_customer_is_awaited(session, waiting_case):
    case, _ = waiting_case
    long_after = MONDAY_NOON + timedelta(days=3)
    sent = alert_due_cases(session, now=long_after, remind_before=timedelta(hours=2), base_url="")
    assert not sent
    assert session.get(Case, case.id).escalation_level == 0


def test_resolving_a_waiting_case_counts_the_wait_first(session, waiting_case):
    case, staff = waiting_case
    resolve_case(
        session, case, staff, root_cause="other", summary="Refunded", now=MONDAY_10AM,
        calendar=CALENDAR,
    )  # fmt: skip
    assert (case.status, case.waiting_since, case.paused_seconds) == ("resolved", None, 7200)
    assert case.resolved_at < case.due_resolve_at  # met: the deadline moved by the wait


def test_a_move_without_the_calendar_is_refused_rather_than_miscounted(session, waiting_case):
    case, staff = waiting_case
    with pytest.raises(CaseRefused, match="resume the clock first"):
        transition_case(session, case, "acknowledged", staff, "", now=MONDAY_10AM)


def test_waiting_twice_is_refused(session, waiting_case):
    case, staff = waiting_case
    with pytest.raises(CaseRefused, match="already waiting"):
        wait_on_customer(session, case, staff, note="", now=MONDAY_10AM)


def test_resuming_twice_is_refused(session, waiting_case):
    case, staff = waiting_case
    resume_clock(session, case, staff, note="", now=MONDAY_10AM, calendar=CALENDAR)
    with pytest.raises(CaseRefused, match="not waiting"):
        resume_clock(session, case, staff, note="", now=MONDAY_NOON, calendar=CALENDAR)


def test_staff_stop_and_restart_the_clock_from_the_case_page(client, session, detractor_case):
    case = detractor_case()
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)

    def post(**fields):
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        session.expire_all()
        version = session.get(Case, case.id).version
        data = {"csrf_token": csrf_token(page), "version": version, **fields}
        return client.post(f"/cases/{case.id}/waiting", data=data, follow_redirects=True)

    stopped = post(waiting="y", note="Waiting for her payslip").get_data(as_text=True)
    assert "The clock is stopped." in stopped and "Waiting on the customer since" in stopped
    assert "paused" in client.get("/cases").get_data(as_text=True)
    restarted = post(waiting="", note="Payslip came").get_data(as_text=True)
    assert "The clock runs again." in restarted
    session.expire_all()
    assert session.get(Case, case.id).waiting_since is None
