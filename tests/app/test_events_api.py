import pytest
import sqlalchemy as sa

from app.models import Customer, Invitation, TouchpointEvent
from app.services.accounts import create_api_key
from tests.factories import TouchpointFactory


@pytest.fixture
def api(client, session):
    TouchpointFactory(code="branch_visit", delay_minutes=120)
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    def post(body, **kwargs):
        return client.post("/api/v1/events", json=body, headers=headers, **kwargs)

    post.headers = headers
    return post


def event(**overrides):
    body = {
        "event_id": "evt-1001",
        "touchpoint": "branch_visit",
        "customer": {
            "external_id": "CUST-1",
            "email": "mei@example.com",
            "name": "陈美",
            "locale": "zh-CN",
            "segment": "vip",
        },
        "occurred_at": "2026-11-20T10:00:00+08:00",
        "attributes": {"branch": "Central"},
    }
    body.update(overrides)
    return body


def count(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_event_is_accepted_and_schedules_an_invitation(api, session):
    result = api(event())
    assert result.status_code == 202
    body = result.get_json()
    assert body["status"] == "accepted" and body["event_id"] == "evt-1001"
    invitation = session.get(Invitation, body["invitation_id"])
    assert invitation.status == "scheduled"
    assert invitation.customer.locale == "zh_CN" and invitation.customer.segment == "vip"


def test_a_repeated_event_id_is_a_duplicate_and_creates_nothing(api, session):
    first = api(event()).get_json()
    second = api(event(attributes={"branch": "Elsewhere"}))
    assert second.status_code == 202
    assert second.get_json() == {**first, "status": "duplicate"}
    assert count(session, TouchpointEvent) == 1 and count(session, Invitation) == 1


def test_the_send_time_follows_the_touchpoint_delay(api, session):
    body = api(event(occurred_at="2099-01-01T08:00:00+08:00")).get_json()
    invitation = session.get(Invitation, body["invitation_id"])
    assert invitation.send_after.isoformat() == "2099-01-01T02:00:00+00:00"


def test_bad_json_is_a_400(api):
    result = api(None, data="{not json", content_type="application/json")
    assert result.status_code == 400
    assert "JSON" in result.get_json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in event().items() if k != "touchpoint"}, "touchpoint"),
        (event(customer={"email": "x@example.com"}), "customer.external_id"),
        (event(occurred_at="2026-11-20T10:00:00"), "occurred_at"),
        (event(customer={**event()["customer"], "email": "not-an-email"}), "customer.email"),
        (event(surprise=1), "surprise"),
    ],
)
def test_invalid_events_name_the_field(api, session, body, field):
    result = api(body)
    assert result.status_code == 422
    assert field in [item["field"] for item in result.get_json()["fields"]]
    assert count(session, TouchpointEvent) == 0


def test_an_unknown_touchpoint_is_refused_by_name(api, session):
    result = api(event(touchpoint="moon_landing"))
    assert result.status_code == 422
    assert result.get_json()["fields"][0]["field"] == "touchpoint"
    assert count(session, Customer) == 0


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic abc"])
def test_without_a_valid_key_nothing_is_accepted(client, session, header):
    headers = {"Authorization": header} if header else {}
    result = client.post("/api/v1/events", json=event(), headers=headers)
    assert result.status_code == 401
    assert count(session, TouchpointEvent) == 0
