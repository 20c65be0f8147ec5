"""Every route of the URL map, for a visitor and each role, with generated query strings, forms
and JSON: the answer is never a 5xx, and a refused request stores nothing.

Routes are enumerated from the URL map, so a route added later is fuzzed too. Values are drawn
from what broke the app before (days at the edges of time, non-finite numbers, NUL and other
control characters, keys Flask's url_for treats specially) mixed with arbitrary text. Counters
of failed attempts (`throttle`) and the audit log may grow on a refusal: recording a refusal is
their job.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.models import Base
from tests.app.conftest import rules, url_for_rule
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import PASSWORD

EXAMPLES_PER_ROUTE = 1
ROLES = ["visitor", "staff", "manager", "admin"]
# A valid token for these would end the fuzzing session or need a real reset link.
NOT_WITH_A_VALID_TOKEN = {"auth.logout"}
REFUSAL_RECORDS = {"throttle", "audit_entry", "audit_head"}

edge_values = st.sampled_from(
    [
        "", "0", "-1", "1e999", "-1e999", "NaN", "Infinity", "9" * 40, "0001-01-01",
        "9999-12-31", "2026-02-30", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59+00:00",
        "x\x00y", "\x00", "\x01\x1f\x7f", "\u202e", "\ud7ff", "<script>", "' OR 1=1 --",
        "=HYPERLINK(1)", "../../etc/passwd", "//evil.example", "Asia/Nowhere", "zh-CN", "all",
        "P1", "overdue", "mine", "detractor", "branch_visit", "loans", "touchpoint", "week",
        "x" * 3000,
    ]
)  # fmt: skip
values = edge_values | st.text(max_size=20)
KNOWN_KEYS = [
    "start", "end", "department", "touchpoint", "journey_stage", "segment", "branch", "channel",
    "status", "priority", "view", "page", "q", "keyword", "category", "group_by", "lang", "next",
    "kind", "fmt", "_external", "_method", "_anchor", "_scheme", "endpoint", "values", "version",
    "note", "to_status", "email", "password", "comment", "nps", "action", "case_id",
    "department_id", "score", "metric", "tp", "name", "code",
]  # fmt: skip
keys = st.sampled_from(KNOWN_KEYS) | st.text(min_size=1, max_size=8)
fields = st.lists(st.tuples(keys, values), max_size=6)
# Besides the drawn examples, each route gets every known key set to each of these at once.
BREAKERS = ["x\x00y", "1e999", "0001-01-01", "9999-12-31", "x" * 3000]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | values,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=8,
)


raw_bodies = st.sampled_from(
    [
        '{"attributes": {"x": 1e999}}', '{"events": [{"event_id": 1e999}]}', "[1, 2",
        '{"note": "\\u0000"}', '{"a": "\\ud800"}', "\xff\xfe", "", "null",
    ]
)  # fmt: skip


@pytest.fixture
def clients(app, world):
    """A client per role, signed in (the visitor is not), each with its CSRF token."""
    app.test_client_class = FreshContextClient
    signed_in = {}
    for role in ROLES:
        client = app.test_client()
        user = getattr(world, role, None)
        if user is not None:
            login(client, user.email, PASSWORD)
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        signed_in[role] = (client, token)
    return signed_in


def send(client, method, url, query, form, body, token):
    """One request as a client would make it: JSON to the API, a form everywhere else."""
    query, form = MultiDict(query), MultiDict(form)
    if url.startswith("/api/"):
        data = body if isinstance(body, str) else json.dumps(body)  # Infinity and NaN too
        return client.open(
            url,
            method=method,
            query_string=query,
            data=data,
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
    return client.open(url, method=method, query_string=query, data=form)


def stored(session):
    """Rows per table but the refusal records, counted in one statement (one round trip)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in REFUSAL_RECORDS]
    counts = sa.select(
        *(sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables)
    )
    session.expire_all()
    return dict(zip([t.name for t in tables], session.execute(counts).one(), strict=True))


def valid_fields(world):
    """Fields that pass every form's structural checks (version, status, ids), so a breaker put
    in the free-text fields beside them reaches the service and the database."""
    case = world.own_case
    return {
        "version": str(case.version), "to_status": "acknowledged", "channel": "phone",
        "root_cause": "other", "department_id": str(world.theirs.id), "case_id": str(case.id),
        "nps": "3", "csat": "2", "ces": "3", "consent": "yes", "status": "new",
        "metric": "nps", "score": "3", "tp": "touchpoint_0", "email": world.staff.email,
    }  # fmt: skip


TEXT_KEYS = ["note", "comment", "summary", "reason", "password", "name", "name_zh", "branch",
             "keyword", "q", "notify_email", "email", "next", "segment"]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_generated_input_without_a_server_error(
    app, session, world, clients, role
):
    client, token = clients[role]
    checked = []
    for rule in rules(app, lambda r: r.endpoint != "static"):
        url = url_for_rule(rule, world, world.own_case.id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            valid_token = token if rule.endpoint not in NOT_WITH_A_VALID_TOKEN else "forged"
            name = f"{role} {method} {rule.endpoint}"
            session.refresh(world.own_case)  # earlier routes may have moved its version on
            examples = breaking_examples(valid_fields(world))
            fuzz(session, client, method, url, valid_token, name, examples)
            checked.append(name)
    assert len(checked) >= 40


def breaking_examples(valid):
    """For each value that once broke a route: in every known key of the query string; in the
    form (or JSON) in every free-text field beside valid ones; and in every known key of it."""
    cases = []
    for value in BREAKERS:
        in_text = [*valid.items(), *((key, value) for key in TEXT_KEYS)]
        everywhere = [(key, value) for key in KNOWN_KEYS]
        cases += [(everywhere, [], {}), ([], in_text, dict(in_text))]
        cases += [([], everywhere, dict(everywhere))]
    # Valid filters beside the keys url_for treats specially, or that name its own arguments.
    special = [("start", "2026-11-01"), ("end", "2026-11-30"), ("_external", "1"),
               ("_method", "POST"), ("_anchor", "x"), ("_scheme", "javascript"), ("kind", "x"),
               ("fmt", "x"), ("endpoint", "x"), ("values", "x"), ("case_id", "x")]  # fmt: skip
    return [*cases, (special, [], {})]


def fuzz(session, client, method, url, token, name, examples):
    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        query=fields,
        form=fields,
        body=json_values | st.dictionaries(keys, json_values, max_size=5) | raw_bodies,
        with_token=st.booleans(),
    )
    def check(query, form, body, with_token):
        form = [*form, ("csrf_token", token if with_token else "forged")]
        before = stored(session)
        answer = send(client, method, url, query, form, body, token)
        page = answer.get_data(as_text=True)
        assert answer.status_code < 500, (name, page[-300:])
        assert "Traceback" not in page
        if answer.status_code >= 400:
            assert stored(session) == before, name

    for query, form, body in examples:
        check = example(query, form, body, True)(check)
    check()
