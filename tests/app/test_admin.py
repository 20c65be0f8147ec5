"""An admin edits a touchpoint's rules in the UI; nobody else can."""

import pytest

from app.models import Touchpoint
from app.services.surveys import sync_surveys
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, InvitationFactory, TouchpointFactory, UserFactory


@pytest.fixture
def admin(client, session):
    sync_surveys(session)
    user = UserFactory(role="admin", department=None)
    session.commit()
    login(client, user.email, PASSWORD)
    return user


def form_of(client, url):
    page = client.get(url).get_data(as_text=True)
    return page, csrf_token(page)


def test_an_admin_changes_when_and_whom_a_touchpoint_asks(client, session, admin):
    touchpoint = TouchpointFactory(code="loan_approval")
    session.commit()
    url = "/admin/touchpoints/loan_approval"
    _, token = form_of(client, url)
    result = client.post(
        url,
        data={
            "csrf_token": token,
            "name": "Loan approval",
            "name_zh": "贷款审批",
            "department_id": str(touchpoint.department_id),
            "survey_code": "service_csat",
            "journey_stage": "borrowing",
            "journey_order": "6",
            "delay_minutes": "60",
            "send_at_local_time": "09:30",
            "sampling_percent": "50",
            "segments": ["vip", "private"],
            "expiry_days": "10",
            "reminder_hours": "120, 48",
            "priority": "80",
            "cooldown_days": "14",
            "overrides_fatigue": "",
            "active": "y",
        },
    )
    assert result.status_code == 302
    session.expire_all()
    saved = session.get(Touchpoint, touchpoint.id)
    assert (saved.survey_code, saved.send_at_local_time, saved.sampling_rate) == (
        "service_csat",
        "09:30",
        0.5,
    )
    assert saved.segments == ["vip", "private"] and saved.reminder_hours == [48, 120]
    assert (saved.priority, saved.overrides_fatigue, saved.active) == (80, False, True)


def test_a_wrong_time_is_explained_and_nothing_changes(client, session, admin):
    touchpoint = TouchpointFactory(code="branch_visit", send_at_local_time=None)
    session.commit()
    _, token = form_of(client, "/admin/touchpoints/branch_visit")
    result = client.post(
        "/admin/touchpoints/branch_visit",
        data={"csrf_token": token, "name": "x", "name_zh": "x", "send_at_local_time": "25:00"},
    )
    assert result.status_code == 200 and "Use HH:MM." in result.get_data(as_text=True)
    session.expire_all()
    assert session.get(Touchpoint, touchpoint.id).send_at_local_time is None


def test_the_invitations_page_says_why(client, session, admin):
    InvitationFactory(status="deferred", reason="deferred: surveyed within 30 days")
    session.commit()
    html = client.get("/admin/invitations?status=deferred").get_data(as_text=True)
    assert "surveyed within 30 days" in html


@pytest.mark.parametrize("role", ["staff", "cx_manager"])
def test_only_admins_reach_the_admin_pages(client, session, role):
    TouchpointFactory(code="branch_visit")
    user = UserFactory(role=role, department=None) if role != "staff" else UserFactory()
    session.commit()
    login(client, user.email, PASSWORD)
    assert client.get("/admin/touchpoints").status_code == 404
    assert client.get("/admin/touchpoints/branch_visit").status_code == 404
