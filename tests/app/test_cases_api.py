"""Cases over the API: the inbox's permissions, optimistic versions, OpenAPI-shaped answers."""

import re

import pytest

from app.services.accounts.api_keys import create_api_key
from tests.app.openapi_check import assert_matches_openapi
from tests.conftest import login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

ONE = "/api/v1/cases/{case_id}"
MOVE = "/api/v1/cases/{case_id}/transitions"


@pytest.fixture
def two_departments(session, detractor_case):
    mine, theirs = detractor_case(), detractor_case(DepartmentFactory(code="other"))
    user = UserFactory(department=mine.department)
    session.commit()
    return user, mine, theirs


def csrf_of(client):
    page = client.get("/cases").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_staff_list_and_read_only_their_department(client, two_departments):
    user, mine, theirs = two_departments
    login(client, user.email, PASSWORD)
    listing = client.get("/api/v1/cases")
    assert_matches_openapi("/api/v1/cases", "get", listing)
    assert [c["id"] for c in listing.get_json()["cases"]] == [mine.id]
    assert client.get(f"/api/v1/cases/{mine.id}").get_json()["status"] == "new"
    hidden = client.get(f"/api/v1/cases/{theirs.id}")
    assert hidden.status_code == 404
    assert_matches_openapi(ONE, "get", hidden)


def test_a_staff_member_moves_their_case_with_the_csrf_token(client, two_departments):
    user, mine, theirs = two_departments
    login(client, user.email, PASSWORD)
    body = {"to_status": "acknowledged", "version": 1}
    assert client.post(f"/api/v1/cases/{mine.id}/transitions", json=body).status_code == 400
    headers = {"X-CSRFToken": csrf_of(client)}
    moved = client.post(f"/api/v1/cases/{mine.id}/transitions", json=body, headers=headers)
    assert_matches_openapi(MOVE, "post", moved)
    assert moved.status_code == 200 and moved.get_json()["status"] == "acknowledged"
    stale = client.post(f"/api/v1/cases/{mine.id}/transitions", json=body, headers=headers)
    assert stale.status_code == 409
    assert_matches_openapi(MOVE, "post", stale)
    other = client.post(f"/api/v1/cases/{theirs.id}/transitions", json=body, headers=headers)
    assert other.status_code == 404


def test_resolving_over_the_api_needs_a_root_cause(client, two_departments):
    user, mine, _ = two_departments
    login(client, user.email, PASSWORD)
    headers = {"X-CSRFToken": csrf_of(client)}
    url = f"/api/v1/cases/{mine.id}/transitions"
    refused = client.post(
        url, json={"to_status": "resolved", "version": 1, "note": "done"}, headers=headers
    )
    assert refused.status_code == 422 and "root cause" in refused.get_json()["message"]
    body = {
        "to_status": "resolved",
        "version": 1,
        "note": "Refunded",
        "root_cause": "fees_and_rates",
    }
    assert client.post(url, json=body, headers=headers).get_json()["root_cause"] == "fees_and_rates"


def test_a_bank_system_needs_the_cases_scope_and_then_sees_all(client, session, two_departments):
    _, mine, theirs = two_departments
    _k, reader = create_api_key(session, "crm", ("cases:read",))
    _k, metrics_only = create_api_key(session, "bi", ("metrics:read",))
    session.commit()
    denied = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {metrics_only}"})
    assert denied.status_code == 403
    listing = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {reader}"})
    assert {c["id"] for c in listing.get_json()["cases"]} == {mine.id, theirs.id}
    write = client.post(
        f"/api/v1/cases/{mine.id}/transitions",
        json={"to_status": "acknowledged", "version": 1},
        headers={"Authorization": f"Bearer {reader}"},
    )
    assert write.status_code == 403


def test_nobody_signed_in_gets_a_401(client, two_departments):
    _, mine, _ = two_departments
    assert client.get(f"/api/v1/cases/{mine.id}").status_code == 401


def test_a_request_with_a_key_is_judged_by_the_key_not_the_session(
    client, session, two_departments
):
    user, _, _ = two_departments
    _k, metrics_only = create_api_key(session, "bi", ("metrics:read",))
    session.commit()
    login(client, user.email, PASSWORD)
    assert client.get("/api/v1/cases").status_code == 200
    keyed = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {metrics_only}"})
    assert keyed.status_code == 403
    wrong = client.get("/api/v1/cases", headers={"Authorization": "Bearer not-a-key"})
    assert wrong.status_code == 401
