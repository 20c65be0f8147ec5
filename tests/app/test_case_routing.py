"""Routing rules stored by the bank decide the case: department, priority, SLA, assignee."""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.models import Case, RoutingRule
from app.services.cases.case_routing import route_response
from app.services.feedback.survey_versions import sync_surveys
from tests.factories import DepartmentFactory, InvitationFactory, UserFactory, answer
from workflows.sla import BusinessCalendar

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def respond(session, nps, comment=""):
    sync_surveys(session)
    answers = {"nps": nps, "comment": comment}
    response_id = answer(session, InvitationFactory(), answers, now=MONDAY_10)
    return route_response(session, response_id, now=MONDAY_10, calendar=BusinessCalendar())


def test_a_stored_rule_sends_fraud_to_complaints_within_hours(session):
    complaints = DepartmentFactory(code="complaints")
    session.add_all(
        [
            RoutingRule(
                name="fraud",
                position=1,
                keywords=["fraud", "盗刷"],
                department_id=complaints.id,
                priority="P1",
                first_contact_hours=2,
                resolve_hours=16,
            ),
            RoutingRule(
                name="detractor", position=2, scores=[{"metric": "nps", "op": "<=", "value": 6}]
            ),
        ]
    )
    session.flush()
    case = respond(session, 9, "Somebody made a fraud payment from my card")
    assert (case.rule, case.priority, case.department_id) == ("fraud", "P1", complaints.id)
    assert case.reason == "mentions fraud"
    assert case.routing_rule_id is not None
    assert case.due_first_contact_at == datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00
    assert case.due_resolve_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 17:00
    assert respond(session, 8, "fine") is None  # no rule matches a passive without a keyword


def test_without_stored_rules_the_defaults_route_detractors(session):
    case = respond(session, 4)
    assert (case.rule, case.priority, case.routing_rule_id) == ("detractor", "P2", None)


def test_round_robin_hands_cases_out_in_turn(session):
    team = DepartmentFactory(code="branches")
    first, second = UserFactory(department=team), UserFactory(department=team)
    UserFactory(department=team, active=False)
    session.add(RoutingRule(name="all", position=1, department_id=team.id, round_robin=True))
    session.flush()
    assignees = []
    for minute in range(4):
        case = respond(session, 2)
        case.opened_at = MONDAY_10.replace(minute=minute)
        session.flush()
        assignees.append(case.assignee_id)
    assert assignees == [first.id, second.id, first.id, second.id]
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 4
