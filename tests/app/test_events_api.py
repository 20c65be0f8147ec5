"""The events API as a bank system meets it, every answer checked against the OpenAPI document."""

from datetime import timedelta
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.api.schemas import EventPayload
from app.models import (
    ApiKey,
    Customer,
    Invitation,
    OutboxMessage,
    Touchpoint,
    TouchpointEvent,
    utcnow,
)
from app.services.accounts.api_keys import api_key_for, create_api_key, revoke_api_key
from app.services.database.remembered import REMEMBERED_FOR
from app.services.distribution.events import ingest_event
from app.services.distribution.touchpoints import update_touchpoint
from app.services.feedback.survey_versions import sync_surveys
from tests.app.openapi_check import assert_matches_openapi
from tests.factories import TouchpointFactory


@pytest.fixture
def bank(client, session):
    """A bank system with a key; `bank.post(path, body)` checks each answer against OpenAPI."""
    TouchpointFactory(code="branch_visit", delay_minutes=120)
    _key, secret = create_api_key(session, "core-banking")
    session.commit()

    class Bank:
        headers: ClassVar[dict[str, str]] = {"Authorization": f"Bearer {secret}"}

        def post(self, body, path="/api/v1/events", **kwargs):
            response = client.post(path, json=body, headers=self.headers, **kwargs)
            assert_matches_openapi(path, "post", response)
            return response

        def get(self, path, documented_as):
            response = client.get(path, headers=self.headers)
            assert_matches_openapi(documented_as, "get", response)
            return response

    return Bank()


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
            "timezone": "Asia/Shanghai",
        },
        "occurred_at": (utcnow() - timedelta(hours=1)).isoformat(),
        "attributes": {"branch": "Central"},
    }
    body.update(overrides)
    return body


def domain_event(**overrides):
    """`event(**overrides)` as the API hands it to the service, for tests that skip HTTP."""
    return EventPayload.model_validate(event(**overrides)).to_domain()


def count(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_event_is_accepted_and_schedules_an_invitation(bank, session):
    result = bank.post(event())
    assert result.status_code == 202
    body = result.get_json()
    assert (body["status"], body["invitation_status"]) == ("accepted", "scheduled")
    invitation = session.get(Invitation, body["invitation_id"])
    assert invitation.customer.locale == "zh_CN" and invitation.customer.segment == "vip"
    assert invitation.event.attributes == {"branch": "Central"}
    assert invitation.expires_at - invitation.send_after == timedelta(days=14)


def test_a_repeated_event_id_is_a_duplicate_and_creates_nothing(bank, session):
    first = bank.post(event()).get_json()
    second = bank.post(event(attributes={"branch": "Elsewhere"}))
    assert second.status_code == 202
    assert second.get_json() == {**first, "status": "duplicate"}
    assert count(session, TouchpointEvent) == 1 and count(session, Invitation) == 1


def test_the_send_time_follows_the_touchpoint_delay(bank, session):
    body = bank.post(event(occurred_at="2099-01-01T08:00:00+08:00")).get_json()
    invitation = session.get(Invitation, body["invitation_id"])
    assert invitation.send_after.isoformat() == "2099-01-01T02:00:00+00:00"


def test_an_event_older_than_its_survey_window_is_recorded_as_expired(bank, session):
    body = bank.post(event(occurred_at="2020-01-01T08:00:00+08:00")).get_json()
    assert body["invitation_status"] == "expired"
    assert "window closed" in body["reason"]


def test_bad_json_is_a_400(bank):
    result = bank.post(None, data="{not json", content_type="application/json")
    assert result.status_code == 400
    assert "JSON" in result.get_json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in event().items() if k != "touchpoint"}, "touchpoint"),
        (event(customer={"email": "x@example.com"}), "customer.external_id"),
        (event(occurred_at="2026-11-20T10:00:00"), "occurred_at"),
        (event(customer={**event()["customer"], "email": "not-an-email"}), "customer.email"),
        (event(customer={**event()["customer"], "timezone": "Mars/Olympus"}), "customer.timezone"),
        (event(surprise=1), "surprise"),
    ],
)
def test_invalid_events_name_the_field(bank, session, body, field):
    result = bank.post(body)
    assert result.status_code == 422
    assert field in [item["field"] for item in result.get_json()["fields"]]
    assert count(session, TouchpointEvent) == 0


def test_an_unknown_touchpoint_is_refused_by_name(bank, session):
    result = bank.post(event(touchpoint="moon_landing"))
    assert result.status_code == 422
    assert result.get_json()["fields"][0]["field"] == "touchpoint"
    assert count(session, Customer) == 0


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic abc"])
def test_without_a_valid_key_nothing_is_accepted(client, session, header):
    headers = {"Authorization": header} if header else {}
    result = client.post("/api/v1/events", json=event(), headers=headers)
    assert result.status_code == 401
    assert_matches_openapi("/api/v1/events", "post", result)
    assert count(session, TouchpointEvent) == 0


def test_a_revoked_key_stops_working_at_once(bank, session):
    assert bank.post(event()).status_code == 202
    revoke_api_key(session, "core-banking", now=utcnow())
    session.commit()
    assert bank.post(event(event_id="evt-2")).status_code == 401


def test_a_key_revoked_by_another_process_is_refused_within_seconds(session):
    """`flask api-key revoke` runs in a process of its own; a web worker reads the key again
    once what it remembers of it is `REMEMBERED_FOR` old."""
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    start = utcnow()
    assert api_key_for(session, secret, now=start) is not None
    session.execute(sa.update(ApiKey).values(revoked_at=start))
    session.commit()
    almost = start + REMEMBERED_FOR - timedelta(milliseconds=1)
    assert api_key_for(session, secret, now=almost) is not None
    assert api_key_for(session, secret, now=start + REMEMBERED_FOR) is None


def test_a_touchpoint_switched_off_elsewhere_refuses_events_within_seconds(session):
    TouchpointFactory(code="branch_visit")
    session.commit()
    start = utcnow()

    def fate(event_id, later):
        return ingest_event(session, domain_event(event_id=event_id), now=start + later).status

    assert fate("evt-1", timedelta(0)) == "accepted"
    session.execute(sa.update(Touchpoint).values(active=False))
    session.commit()
    assert fate("evt-2", REMEMBERED_FOR - timedelta(milliseconds=1)) == "accepted"
    assert fate("evt-3", REMEMBERED_FOR) == "rejected"


def test_an_admins_edit_applies_to_the_next_event_at_once(session):
    touchpoint = TouchpointFactory(code="branch_visit", delay_minutes=0)
    session.commit()
    now = utcnow()

    def send_after(event_id):
        result = ingest_event(session, domain_event(event_id=event_id), now=now)
        return session.get(Invitation, result.invitation_id).send_after

    assert send_after("evt-1") == now
    update_touchpoint(session, touchpoint, {"delay_minutes": 240}, actor="cli")
    session.commit()
    assert send_after("evt-2") > now + timedelta(hours=2)


def test_a_key_without_the_scope_is_forbidden(client, session):
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "bi-reader", ("metrics:read",))
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/events", json=event(), headers=headers).status_code == 403
    assert client.get("/api/v1/metrics/closed-loop", headers=headers).status_code == 200


def test_a_batch_answers_each_event_on_its_own(bank, session):
    bank.post(event(event_id="seen-before"))
    batch = [
        event(event_id="b-1"),
        event(event_id="seen-before"),
        event(event_id="b-2", touchpoint="moon_landing"),
        {"event_id": "b-3", "touchpoint": "branch_visit"},
        event(event_id="b-1"),
        event(event_id="b-4", customer={**event()["customer"], "external_id": "CUST-2"}),
    ]
    result = bank.post({"events": batch}, path="/api/v1/events:batch")
    assert result.status_code == 200
    body = result.get_json()
    assert [r["status"] for r in body["results"]] == [
        "accepted",
        "duplicate",
        "rejected",
        "invalid",
        "duplicate",
        "accepted",
    ]
    assert body["results"][3]["fields"][0]["field"].startswith("events[3].")
    assert (body["accepted"], body["duplicate"], body["rejected"], body["invalid"]) == (2, 2, 1, 1)
    assert count(session, TouchpointEvent) == 3


@pytest.mark.parametrize("events", [[], [event()] * 1001])
def test_an_empty_or_oversized_batch_is_refused(bank, session, events):
    result = bank.post({"events": events}, path="/api/v1/events:batch")
    assert result.status_code == 422
    assert count(session, TouchpointEvent) == 0


def test_ten_thousand_events_arrive_in_ten_batches(bank, session):
    for batch in range(10):
        events = [
            event(
                event_id=f"bulk-{batch}-{n}",
                customer={**event()["customer"], "external_id": f"C-{(batch * 1000 + n) % 2500}"},
            )
            for n in range(1000)
        ]
        body = bank.post({"events": events}, path="/api/v1/events:batch").get_json()
        assert body["accepted"] == 1000
    assert count(session, TouchpointEvent) == 10_000
    assert count(session, Invitation) == 10_000
    assert count(session, Customer) == 2500


def test_the_fate_of_an_event_can_be_asked_for(bank, session):
    TouchpointFactory(code="app_login", sampling_rate=0.0)
    session.commit()
    bank.post(event(event_id="sampled-out", touchpoint="app_login"))
    body = bank.get("/api/v1/events/sampled-out", "/api/v1/events/{event_id}").get_json()
    assert (body["invitation_status"], body["reason"]) == ("suppressed", "not sampled (0%)")
    missing = bank.get("/api/v1/events/never-sent", "/api/v1/events/{event_id}")
    assert missing.status_code == 404


def test_a_segment_that_is_not_surveyed_is_recorded_with_its_reason(bank, session):
    TouchpointFactory(code="private_review", segments=["private"])
    session.commit()
    body = bank.post(event(touchpoint="private_review")).get_json()
    assert (body["invitation_status"], body["reason"]) == ("suppressed", "segment not surveyed")


def test_the_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        path.replace("{event_id}", "<path:event_id>").replace("{case_id}", "<int:case_id>")
        for path in document["paths"]
    }
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert routes == documented


def test_the_banks_latest_view_of_a_customer_wins_and_an_unsent_timezone_is_kept(bank, session):
    bank.post(event())
    moved = {"external_id": "CUST-1", "email": "mei@new.example.com", "segment": "mass"}
    assert bank.post(event(event_id="evt-1002", customer=moved)).status_code == 202
    assert bank.post(event(event_id="evt-1003", customer=moved)).status_code == 202
    session.expire_all()
    customer = session.scalars(sa.select(Customer)).one()
    assert (customer.email, customer.segment, customer.timezone) == (
        "mei@new.example.com",
        "mass",
        "Asia/Shanghai",
    )
    travelling = moved | {"timezone": "Europe/London"}
    bank.post(event(event_id="evt-1004", customer=travelling))
    session.expire_all()
    assert session.scalars(sa.select(Customer.timezone)).one() == "Europe/London"


def test_a_keys_last_use_is_kept_to_the_minute_without_a_write_per_request(session):
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    start = utcnow()
    assert api_key_for(session, secret, now=start).name == "core-banking"
    api_key_for(session, secret, now=start + timedelta(seconds=30))
    session.commit()
    assert session.scalar(sa.select(ApiKey.last_used_at)) == start
    api_key_for(session, secret, now=start + timedelta(minutes=2))
    session.commit()
    assert session.scalar(sa.select(ApiKey.last_used_at)) == start + timedelta(minutes=2)
    assert api_key_for(session, "tl_wrong", now=start) is None


# The channels: a bank's app asks for the survey link at once ("link"), and customers come
# with a mobile in E.164, a WeChat openid and a preferred channel.


@pytest.fixture
def surveys(session):
    sync_surveys(session)
    session.commit()


def test_the_app_gets_the_survey_url_at_once_and_no_message_is_sent(app, bank, session, surveys):
    answer = bank.post(event(channel="link"))
    assert answer.status_code == 202
    body = answer.get_json()
    assert (body["status"], body["invitation_status"]) == ("accepted", "sent")
    url = urlsplit(body["survey_url"])
    assert url.path.startswith("/s/")
    assert app.test_client().get(url.path).status_code == 200  # what the app's web view opens
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_same_contact_rules_hold_a_link_back_with_the_reason(bank, surveys):
    assert bank.post(event(channel="link")).get_json()["survey_url"]
    again = bank.post(event(event_id="evt-1002", channel="link")).get_json()
    assert again["survey_url"] is None
    assert again["invitation_status"] in ("deferred", "expired")
    assert "surveyed within" in again["reason"]


def test_a_repeated_event_gets_no_second_url(bank, surveys):
    bank.post(event(channel="link"))
    repeated = bank.post(event(channel="link")).get_json()
    assert (repeated["status"], repeated["survey_url"]) == ("duplicate", None)


def test_link_in_a_batch_is_refused_for_that_event_only(bank, surveys):
    answer = bank.post(
        {"events": [event(channel="link"), event(event_id="evt-2")]}, path="/api/v1/events:batch"
    ).get_json()
    assert [r["status"] for r in answer["results"]] == ["invalid", "accepted"]
    assert answer["results"][0]["fields"][0]["field"] == "events[0].channel"


def test_customers_bring_a_mobile_an_openid_and_a_preference(bank, session):
    customer = {
        **event()["customer"],
        "mobile": "138 0013 8000",
        "wechat_openid": "oAbC_123-xyz",
        "preferred_channel": "wechat",
    }
    assert bank.post(event(customer=customer)).status_code == 202
    stored = session.scalar(sa.select(Customer))
    assert (stored.mobile, stored.wechat_openid, stored.preferred_channel) == (
        "+8613800138000",
        "oAbC_123-xyz",
        "wechat",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mobile", "12345"),
        ("mobile", "call me"),
        ("wechat_openid", "bad id!"),
        ("preferred_channel", "fax"),
    ],
)
def test_bad_contact_details_are_refused_naming_the_field(bank, field, value):
    answer = bank.post(event(customer={**event()["customer"], field: value}))
    assert answer.status_code == 422
    assert answer.get_json()["fields"][0]["field"] == f"customer.{field}"
