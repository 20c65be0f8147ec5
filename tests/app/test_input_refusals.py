"""Input that once gave a 500 now gets a clear 400/422 naming the field, and stores nothing.

Each case here is one an attacker tried against the demo (issue 18); the route-wide fuzz test
(test_fuzz_routes.py) generates the rest.
"""

import json

import pytest

from app.models import Invitation, TouchpointEvent
from tests.app.conftest import row_counts
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, UserFactory

EDGES_OF_TIME = ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00"]


def event(event_id, occurred_at="2026-11-23T10:15:00+08:00", **attributes):
    return {
        "event_id": event_id,
        "touchpoint": "branch_visit",
        "customer": {"external_id": "C-88", "email": "mei@example.com"},
        "occurred_at": occurred_at,
        "attributes": attributes,
    }


@pytest.mark.parametrize("occurred_at", EDGES_OF_TIME)
def test_an_event_at_the_edge_of_time_is_refused_naming_occurred_at(
    client, session, api_headers, occurred_at
):
    before = row_counts(session)
    answer = client.post("/api/v1/events", json=event("e-1", occurred_at), headers=api_headers)
    assert answer.status_code == 422
    assert [f["field"] for f in answer.get_json()["fields"]] == ["occurred_at"]
    assert row_counts(session) == before


def test_a_number_too_large_to_store_is_refused_naming_its_field(client, session, api_headers):
    body = json.dumps(event("e-1", branch="X")).replace('"X"', "1e999")
    answer = client.post(
        "/api/v1/events", data=body, headers=api_headers | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.get_json()["fields"][0]["field"] == "attributes.branch"
    assert session.query(TouchpointEvent).count() == 0


def test_one_bad_event_in_a_batch_is_answered_alone_and_the_rest_are_stored(
    client, session, api_headers
):
    events = [
        event("good-1"),
        event("late", EDGES_OF_TIME[0]),
        event("huge", branch="X"),
        event("nul", branch="a\u0000b"),
        event("good-2"),
    ]
    body = json.dumps({"events": events}).replace('"X"', "1e999")
    answer = client.post(
        "/api/v1/events:batch",
        data=body,
        headers=api_headers | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == [
        "accepted",
        "invalid",
        "invalid",
        "invalid",
        "accepted",
    ]
    assert [r["fields"][0]["field"] for r in results[1:4]] == [
        "events[1].occurred_at",
        "events[2].attributes.branch",
        "events[3].attributes.branch",
    ]
    assert [r["event_id"] for r in results] == ["good-1", "late", "huge", "nul", "good-2"]
    assert session.query(Invitation).count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard?start=0001-01-01",
        "/dashboard?end=9999-12-31",
        "/dashboard/responses?start=0001-01-01&end=9999-12-31",
        "/dashboard/export/cases.csv?end=0001-01-01",
    ],
)
def test_days_out_of_range_on_the_dashboard_are_refused_naming_the_field(client, session, path):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    answer = client.get(path)
    assert answer.status_code == 400
    assert "Choose a day from 2000-01-01 to 2099-12-31" in answer.get_data(as_text=True)


@pytest.mark.parametrize("query", ["start=0001-01-01", "end=9999-12-31"])
def test_days_out_of_range_in_the_metrics_api_are_refused_naming_the_field(
    client, session, api_headers, query
):
    headers = api_headers
    answer = client.get(f"/api/v1/metrics/closed-loop?{query}", headers=headers)
    assert answer.status_code == 422
    assert [f["field"] for f in answer.get_json()["fields"]] == [query.split("=")[0]]


def test_keys_url_for_treats_specially_are_ignored_on_the_dashboard(client, session):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    for path in ("/dashboard", "/dashboard/responses"):
        page = client.get(f"{path}?kind=x&fmt=y&_method=POST&_external=1&_anchor=z&segment=vip")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "segment=vip" in html and "_external" not in html and "kind=x" not in html


def test_a_nul_in_the_sign_in_form_is_refused_naming_the_field(client, session):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    before = row_counts(session)
    answer = client.post(
        "/auth/login", data={"email": "a\x00@bank.example", "password": "x", "csrf_token": token}
    )
    assert answer.status_code == 400
    assert "“email” holds a NUL character" in answer.get_data(as_text=True)
    assert row_counts(session) == before


def test_a_nul_in_a_case_note_is_refused_and_the_case_is_untouched(client, session, on_case_page):
    case, _user, page = on_case_page
    before = row_counts(session)
    answer = client.post(
        f"/cases/{case.id}/notes",
        data={"csrf_token": csrf_token(page), "version": case.version, "note": "called\x00back"},
    )
    assert answer.status_code == 400
    assert "“note” holds a NUL character" in answer.get_data(as_text=True)
    assert row_counts(session) == before


def test_a_nul_in_a_survey_comment_is_refused_and_the_link_still_works(app, client, session, world):
    path = f"/s/{world.token}"
    token = csrf_token(client.get(path).get_data(as_text=True))
    answer = client.post(path, data={"csrf_token": token, "nps": "3", "comment": "slow\x00"})
    assert answer.status_code == 400
    assert "“comment”" in answer.get_data(as_text=True)
    again = client.post(path, data={"csrf_token": token, "nps": "3", "comment": "slow"})
    assert again.status_code == 200 and "thank" in again.get_data(as_text=True).lower()


def test_a_nul_in_a_query_string_is_refused_naming_the_parameter(client):
    answer = client.get("/auth/login?next=%00")
    assert answer.status_code == 400
    assert "“next”" in answer.get_data(as_text=True)
