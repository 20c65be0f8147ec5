"""Generated bad input: whatever a client sends, the answer is a clear 2xx/4xx, never a 5xx.

Hypothesis mutates valid events and survey answers field by field and throws arbitrary JSON,
bytes and content types at the events API; Schemathesis generates requests for every operation
of the published OpenAPI document and checks the answers against it. A refused request must
leave the database exactly as it was. Example counts are bounded so the suite stays fast.
"""

import json
from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.datastructures import MultiDict

from app.api.openapi import openapi_document
from app.models import Invitation
from app.services.feedback.survey_versions import sync_surveys
from tests.app.conftest import row_counts
from tests.conftest import csrf_token
from tests.factories import InvitationFactory, survey_link

EXAMPLES = {"event": 100, "batch": 50, "survey": 50, "schemathesis": 15}


def bounded(examples: int) -> settings:
    """A fixed number of examples, no deadline (database round trips vary), no example file."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


MISSING = object()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
EVENT_FIELDS = [
    ("event_id",),
    ("touchpoint",),
    ("customer",),
    ("customer", "external_id"),
    ("customer", "email"),
    ("customer", "locale"),
    ("customer", "segment"),
    ("customer", "timezone"),
    ("customer", "unexpected"),
    ("occurred_at",),
    ("attributes",),
    ("unexpected",),
]


def valid_event(event_id: str) -> dict:
    return {
        "event_id": event_id,
        "touchpoint": "branch_visit",
        "customer": {"external_id": "CUST-1", "email": "mei@example.com", "locale": "zh-CN"},
        "occurred_at": datetime(2030, 1, 1, tzinfo=UTC).isoformat(),
        "attributes": {"branch": "Central"},
    }


@st.composite
def events(draw: st.DrawFn) -> dict:
    """A valid event with zero to three fields replaced by arbitrary JSON or removed."""
    event = valid_event(draw(st.text(min_size=1, max_size=12)))
    for path in draw(st.lists(st.sampled_from(EVENT_FIELDS), max_size=3)):
        *parents, name = path
        holder = event
        for parent in parents:
            holder = holder.get(parent) if isinstance(holder.get(parent), dict) else {}
        value = draw(json_values | st.just(MISSING))
        if value is MISSING:
            holder.pop(name, None)
        else:
            holder[name] = value
    return event


def encoded(body: st.SearchStrategy) -> st.SearchStrategy:
    """JSON bodies as sent, mixed with arbitrary bytes and content types."""
    as_json = body.map(lambda value: (json.dumps(value).encode(), "application/json"))
    junk = st.tuples(
        st.binary(max_size=200),
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
    )
    return st.one_of(as_json, as_json, junk)


def assert_clear_answer(result, before, after) -> None:
    assert result.status_code < 500, result.get_data(as_text=True)
    body = result.get_json()
    assert body is not None
    if result.status_code >= 400:
        assert body["error"] and body["message"]
        assert after == before


@pytest.mark.parametrize(
    ("path", "bodies", "examples"),
    [
        ("/api/v1/events", events() | json_values, EXAMPLES["event"]),
        (
            "/api/v1/events:batch",
            st.fixed_dictionaries({"events": st.lists(events() | json_values, max_size=5)})
            | json_values,
            EXAMPLES["batch"],
        ),
    ],
    ids=["single", "batch"],
)
def test_any_event_body_gets_a_clear_answer_and_a_refusal_stores_nothing(
    client, session, api_headers, path, bodies, examples
):
    @bounded(examples)
    @given(encoded(bodies))
    def check(request):
        data, content_type = request
        before = row_counts(session)
        result = client.post(path, data=data, headers=api_headers | {"Content-Type": content_type})
        assert_clear_answer(result, before, row_counts(session))

    check()


QUESTION_IDS = ["nps", "comment", "consent", "what_went_wrong", "csat", "ces", "action", "zzz"]
form_values = st.text(max_size=40) | st.sampled_from(["0", "10", "11", "-1", "y", "on", "1e9"])


def test_any_survey_submission_gets_a_page_and_a_refusal_stores_nothing(app, client, session):
    sync_surveys(session)

    @bounded(EXAMPLES["survey"])
    @given(
        answers=st.dictionaries(
            st.sampled_from(QUESTION_IDS) | st.text(max_size=8),
            st.lists(form_values, min_size=1, max_size=3),
            max_size=6,
        ),
        with_token=st.booleans(),
    )
    def check(answers, with_token):
        invitation = InvitationFactory()
        url = survey_link(app.config["SECRET_KEY"], invitation)
        session.commit()
        token = csrf_token(client.get(url).get_data(as_text=True))
        fields = [(key, value) for key, values in answers.items() for value in values]
        before = row_counts(session)
        fields += [("csrf_token", token)] if with_token else []
        result = client.post(url, data=MultiDict(fields))
        page = result.get_data(as_text=True)
        assert result.status_code < 500 and "Traceback" not in page
        assert result.mimetype == "text/html"
        answered = session.get(Invitation, invitation.id).status == "answered"
        assert answered == (result.status_code == 200 and "thank" in page.lower())
        if result.status_code >= 400:
            assert row_counts(session) == before

    check()


@pytest.fixture
def wsgi_app(app):
    """The app as a server runs it: each request in an app context (and DB session) of its own."""

    def serve(environ, start_response):
        with app.app_context():
            return app(environ, start_response)

    return serve


schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@bounded(EXAMPLES["schemathesis"])
def test_every_documented_operation_survives_generated_requests(case, wsgi_app, api_headers):
    case.call_and_validate(
        app=wsgi_app,
        headers=api_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
