"""SLA alerts through the job: who is told, when, and only once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import CaseEvent, OutboxMessage, utcnow
from app.worker.jobs import alert_sla
from tests.factories import UserFactory


@pytest.fixture
def overdue_case(session, detractor_case):
    """A case with its team: an assignee, a department head and a CX manager."""

    def make(due_in: timedelta, opened_ago: timedelta = timedelta(hours=10)):
        case = detractor_case()
        case.assignee = UserFactory(department=case.department, email="owner@bank.example.com")
        UserFactory(
            department=case.department, heads_department=True, email="head@bank.example.com"
        )
        UserFactory(role="cx_manager", department=None, email="cx@bank.example.com")
        case.opened_at = utcnow() - opened_ago
        case.due_resolve_at = utcnow() + due_in
        session.commit()
        return case

    return make


def alerts(session):
    session.expire_all()
    return sorted((m.recipient, m.subject) for m in session.scalars(sa.select(OutboxMessage)))


def test_the_assignee_is_reminded_once_before_the_deadline(session, overdue_case):
    case = overdue_case(due_in=timedelta(hours=1))
    assert alert_sla() == {"sla_remind": 1}
    assert alert_sla() == {"sla_alerts": 0}
    assert alerts(session) == [("owner@bank.example.com", f"Case {case.id}: deadline approaching")]


def test_a_breach_goes_to_the_department_head_then_twice_over_to_cx(session, overdue_case):
    case = overdue_case(due_in=-timedelta(hours=1))
    assert alert_sla() == {"sla_escalate_department": 1}
    assert alert_sla() == {"sla_alerts": 0}
    session.expire_all()
    case.due_resolve_at = utcnow() - timedelta(hours=11)  # overdue by more than the SLA
    session.commit()
    assert alert_sla() == {"sla_escalate_cx": 1}
    assert [recipient for recipient, _ in alerts(session)] == [
        "cx@bank.example.com",
        "head@bank.example.com",
    ]
    kinds = session.scalars(
        sa.select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    assert kinds == ["opened", "sla_escalate_department", "sla_escalate_cx"]


def test_resolved_cases_are_never_chased(session, overdue_case):
    case = overdue_case(due_in=-timedelta(hours=1))
    case.status = "resolved"
    session.commit()
    assert alert_sla() == {"sla_alerts": 0}
