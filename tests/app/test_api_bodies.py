"""Bodies no bank system should send: each a clear 4xx JSON error, documented, storing nothing."""

import json
from datetime import timedelta

import pytest

from app.api.http import MAX_JSON_DEPTH
from app.models import utcnow
from tests.app.conftest import row_counts
from tests.app.openapi_check import assert_matches_openapi

EVENTS, BATCH = "/api/v1/events", "/api/v1/events:batch"


def event(n=1, **overrides):
    return {
        "event_id": f"evt-{n}",
        "touchpoint": "branch_visit",
        "customer": {"external_id": f"CUST-{n}", "email": f"c{n}@example.com", "name": "陈美"},
        "occurred_at": (utcnow() - timedelta(hours=1)).isoformat(),
        "attributes": {"branch": "Central"},
        **overrides,
    }


def nested(depth):
    body = {"leaf": 1}
    for _ in range(depth):
        body = {"a": body}
    return body


def as_json(body):
    return json.dumps(body, ensure_ascii=False).encode()


BIG_ATTRIBUTE = {"attributes": {"notes": "x" * (2 * 1024 * 1024)}}
REFUSED = [
    pytest.param(
        EVENTS,
        as_json(event(**BIG_ATTRIBUTE)),
        "application/json",
        413,
        "too_large",
        id="oversized-event",
    ),
    pytest.param(
        BATCH,
        as_json({"events": [event(**BIG_ATTRIBUTE)]}),
        "application/json",
        413,
        "too_large",
        id="oversized-batch",
    ),
    pytest.param(
        EVENTS, as_json(event()), "text/plain", 415, "unsupported_media_type", id="text-plain"
    ),
    pytest.param(
        EVENTS,
        b"event_id=evt-1",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
        id="form-encoded",
    ),
    pytest.param(
        BATCH,
        as_json({"events": [event()]}),
        None,
        415,
        "unsupported_media_type",
        id="no-content-type",
    ),
    pytest.param(
        EVENTS,
        as_json(event(attributes={"branch": "x"})).replace(b'"x"', b'"\xff\xfe"'),
        "application/json",
        400,
        "invalid_utf8",
        id="invalid-utf8",
    ),
    pytest.param(
        EVENTS,
        b'{"event_id": "evt-1", "touchpoint": ',
        "application/json",
        400,
        "invalid_json",
        id="truncated-json",
    ),
    pytest.param(
        EVENTS,
        as_json(event(attributes=nested(MAX_JSON_DEPTH))),
        "application/json",
        400,
        "too_deep",
        id="deep-object",
    ),
    pytest.param(
        BATCH,
        b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "application/json",
        400,
        "too_deep",
        id="deep-array-100000",
    ),
    pytest.param(
        EVENTS,
        as_json(event()).replace(b'"Central"', b"NaN"),
        "application/json",
        400,
        "invalid_json",
        id="nan",
    ),
    pytest.param(
        EVENTS,
        as_json(event(attributes={"branch": "a\x00b"})),
        "application/json",
        400,
        "invalid_text",
        id="nul-character",
    ),
    pytest.param(
        EVENTS,
        as_json(event()).replace(b"Central", b"\\ud800"),
        "application/json",
        400,
        "invalid_text",
        id="lone-surrogate",
    ),
    pytest.param(EVENTS, b"[1, 2]", "application/json", 400, "bad_request", id="json-array"),
    pytest.param(
        BATCH,
        as_json({"events": [event(n) for n in range(1001)]}),
        "application/json",
        422,
        "invalid",
        id="1001-events",
    ),
]


@pytest.mark.parametrize(("path", "data", "content_type", "status", "error"), REFUSED)
def test_a_bad_body_is_a_documented_json_error_and_stores_nothing(
    client, session, api_headers, path, data, content_type, status, error
):
    before = row_counts(session)
    headers = api_headers | ({"Content-Type": content_type} if content_type else {})
    result = client.post(path, data=data, headers=headers)
    assert (result.status_code, result.get_json()["error"]) == (status, error)
    assert result.get_json()["message"]
    assert_matches_openapi(path, "post", result)
    assert row_counts(session) == before


def test_a_full_batch_of_1000_events_fits_under_the_size_limit(client, session, api_headers):
    body = as_json({"events": [event(n, attributes={"branch": "支行" * 20}) for n in range(1000)]})
    assert len(body) > 300_000
    result = client.post(
        BATCH, data=body, headers=api_headers | {"Content-Type": "application/json"}
    )
    assert result.status_code == 200, result.get_json()
    assert result.get_json()["accepted"] == 1000


def test_an_oversized_survey_post_is_a_413_page_not_a_crash(client):
    result = client.post("/s/any-token", data={"comment": "x" * (3 * 1024 * 1024)})
    assert result.status_code == 413
    assert "Traceback" not in result.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/api/v1/metrics/closed-loop?branch=%00", "/dashboard?branch=Central%00"]
)
def test_a_nul_in_the_query_string_is_a_400_not_a_crash(client, api_headers, path):
    """Schemathesis found it: PostgreSQL refuses text holding NUL, and the filter became a 500."""
    result = client.get(path, headers=api_headers)
    assert result.status_code == 400
    if path.startswith("/api/"):
        assert result.get_json()["error"] == "bad_request"
    assert "Traceback" not in result.get_data(as_text=True)
