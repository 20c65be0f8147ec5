"""Departments and touchpoints as an admin sets a bank up: new ones, the head, retiring a
department (its open cases, touchpoints and rules go somewhere first), and that changing a
touchpoint or a rule never breaks invitations in flight or open cases."""

import sqlalchemy as sa

from app.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Department,
    Invitation,
    RoutingRule,
    Touchpoint,
    User,
)
from app.worker.jobs import send_invitations
from tests.conftest import csrf_token
from tests.factories import (
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
    UserFactory,
    answer,
)

TOUCHPOINT = {
    "name": "Mortgage signed", "name_zh": "房贷签约", "survey_code": "touchpoint_nps",
    "journey_stage": "borrowing", "journey_order": "7", "delay_minutes": "120",
    "sampling_percent": "100", "expiry_days": "14", "priority": "60", "cooldown_days": "30",
    "active": "y",
}  # fmt: skip


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client.get(url).text), **data})


def test_an_admin_adds_a_department_and_a_touchpoint_it_owns(client, session, admin):
    made = post(client, "/admin/departments/new", code="mortgages", name="Mortgages",
                name_zh="房贷部", notify_mode="immediate")  # fmt: skip
    assert made.status_code == 302
    mortgages = session.scalar(sa.select(Department).where(Department.code == "mortgages"))
    made = post(client, "/admin/touchpoints/new", code="mortgage_signed",
                department_id=str(mortgages.id), **TOUCHPOINT)  # fmt: skip
    assert made.status_code == 302
    touchpoint = session.scalar(sa.select(Touchpoint).where(Touchpoint.code == "mortgage_signed"))
    assert (touchpoint.department_id, touchpoint.delay_minutes) == (mortgages.id, 120)
    logged = set(session.scalars(sa.select(AuditEntry.action)))
    assert {"department.create", "touchpoint.create"} <= logged
    listed = client.get("/admin/touchpoints?q=mortgage").get_data(as_text=True)
    assert "Mortgage signed" in listed


def test_codes_are_checked_and_unique(client, session, admin):
    DepartmentFactory(code="cards")
    session.commit()
    for code, message in (("Cards!", "lower-case letters"), ("cards", "already has this code")):
        answer_ = post(client, "/admin/departments/new", code=code, name="X", name_zh="X",
                       notify_mode="off")  # fmt: skip
        assert answer_.status_code == 200 and message in answer_.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Department)) == 1


def test_the_head_of_a_department_is_one_of_its_staff(client, session, admin):
    cards = DepartmentFactory(code="cards")
    mei, lei = UserFactory(department=cards), UserFactory(department=cards)
    session.commit()
    base = {"name": "Cards", "name_zh": "信用卡部", "notify_mode": "immediate"}
    assert post(client, "/admin/departments/cards", head_id=str(lei.id), **base).status_code == 302
    session.expire_all()
    heads = [session.get(User, user.id).heads_department for user in (mei, lei)]
    assert heads == [False, True]
    stranger = UserFactory()
    session.commit()
    refused = post(client, "/admin/departments/cards", head_id=str(stranger.id), **base)
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)


def test_retiring_a_department_moves_its_open_cases_touchpoints_and_rules(
    client, session, admin, detractor_case
):
    old, new = DepartmentFactory(code="old_branch"), DepartmentFactory(code="service")
    case = detractor_case(old)
    rule = RoutingRule(name="to_old", position=1, department_id=old.id)
    session.add(rule)
    session.commit()
    url = "/admin/departments/old_branch/retire"
    page = client.get(url).get_data(as_text=True)
    assert "1 open case" in page and "1 active touchpoint" in page and "1 routing rule" in page
    refused = client.post(url, data={"csrf_token": csrf_token(page), "successor_id": "0"})
    assert refused.status_code == 200 and "Choose the active department" in refused.text
    done = client.post(url, data={"csrf_token": csrf_token(page), "successor_id": str(new.id)})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Department, old.id).active is False
    assert session.get(Case, case.id).department_id == new.id
    assert session.get(Touchpoint, case.response.touchpoint_id).department_id == new.id
    assert session.get(RoutingRule, rule.id).department_id == new.id
    moved = session.scalar(sa.select(CaseEvent).where(CaseEvent.kind == "reassigned"))
    assert "was retired" in moved.note
    assert "retired" in client.get("/admin/departments").get_data(as_text=True)
    assert client.get(url).status_code == 404  # retired already
    choices = client.get("/admin/touchpoints/new").get_data(as_text=True)
    assert f'value="{old.id}"' not in choices  # no new work for a retired department


def test_changing_a_touchpoint_keeps_invitations_in_flight_working(app, client, session, admin):
    touchpoint = TouchpointFactory(code="branch_visit")
    scheduled = InvitationFactory(status="scheduled", sent_at=None, event__touchpoint=touchpoint)
    sent = InvitationFactory(event__touchpoint=touchpoint)
    other = DepartmentFactory(code="complaints")
    session.commit()
    changed = dict(TOUCHPOINT, survey_code="service_csat", department_id=str(other.id),
                   delay_minutes="0", active="")  # fmt: skip
    assert post(client, "/admin/touchpoints/branch_visit", **changed).status_code == 302
    with app.app_context():
        send_invitations()  # the scheduled one still goes out (or is judged), never lost
    session.expire_all()
    assert session.get(Invitation, scheduled.id).status in {"sent", "deferred", "suppressed"}
    response_id = answer(session, session.get(Invitation, sent.id), {"nps": 9})
    session.commit()
    assert response_id is not None  # the link sent before the change still answers
    assert session.get(Invitation, sent.id).status == "answered"


def test_a_new_rule_decides_new_cases_and_leaves_open_ones_as_they_were(
    client, session, admin, detractor_case
):
    case = detractor_case()
    before = (case.department_id, case.priority, case.due_resolve_at)
    every_score = [{"metric": "nps", "op": "<=", "value": 10}]
    session.add(RoutingRule(name="all_p1", position=1, priority="P1", first_contact_hours=1,
                            resolve_hours=2, scores=every_score))  # fmt: skip
    session.commit()
    newer = detractor_case()
    session.expire_all()
    kept = session.get(Case, case.id)
    assert (kept.department_id, kept.priority, kept.due_resolve_at) == before
    assert before[1] != "P1" and (newer.priority, newer.rule) == ("P1", "all_p1")
