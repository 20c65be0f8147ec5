"""Webhook endpoints an admin sets up in the browser, calling a real HTTP receiver on loopback:
each endpoint hears only its events, signed with its own secret (both secrets while a rotation
overlaps), every answer is kept and shown, and the secret is shown once and nowhere else."""

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
import sqlalchemy as sa

from app.models import AuditEntry, OutboxMessage, WebhookEndpoint, utcnow
from app.services.cases.lifecycle import transition_case
from app.services.cases.notifications import publish_responses
from app.services.cases.webhook_endpoints import create_endpoint
from app.services.cases.webhooks import signature
from app.services.governance.edits import history_of
from app.worker.jobs import deliver_webhooks, notify_case_events, notify_responses
from tests.conftest import csrf_token, free_port, login
from tests.factories import PASSWORD, CustomerFactory, UserFactory


class Receiver(BaseHTTPRequestHandler):
    """The bank's systems: records each call by path, answers as told (200 "ok" by default)."""

    calls: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []
    answers: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.calls.append((self.path, dict(self.headers), body))
        status, answer = Receiver.answers.get(self.path, (200, b"ok"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        """Quiet."""


class Loopback:
    def __init__(self, port: int):
        self.port = port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def calls(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for at, headers, body in Receiver.calls if at == path]

    def events(self, path: str) -> list[str]:
        return [json.loads(body)["event"] for _, body in self.calls(path)]

    def answer(self, path: str, status: int, body: bytes) -> None:
        Receiver.answers[path] = (status, body)


@pytest.fixture
def receiver():
    Receiver.calls, Receiver.answers = [], {}
    server = HTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Loopback(server.server_port)
    server.shutdown()
    server.server_close()


@pytest.fixture
def admin(client, session):
    user = UserFactory(role="admin", department=None, email="admin@bank.example.com")
    session.commit()
    login(client, user.email, PASSWORD)
    return client


def post_form(client, page_url, action, data):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token})


def shown_secret(html: str) -> str:
    found = re.search(r'id="secret"[^>]*value="([^"]+)"', html)
    assert found, "no secret on the page"
    return found.group(1)


def create(client, name, url, events, **more):
    answer = post_form(
        client,
        "/admin/webhooks/new",
        "/admin/webhooks/new",
        {"name": name, "url": url, "events": events, "active": "y", **more},
    )
    assert answer.status_code == 200
    endpoint_id = int(re.search(r"/admin/webhooks/(\d+)\"", answer.get_data(as_text=True))[1])
    return endpoint_id, shown_secret(answer.get_data(as_text=True))


def page(client, endpoint_id):
    return client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)


def rotate(client, endpoint_id, hours):
    return client.post(
        f"/admin/webhooks/{endpoint_id}/rotate", data=rotation(client, endpoint_id, hours)
    )


def rotation(client, endpoint_id, hours):
    """The rotate form as the endpoint's page shows it, filled in."""
    shown = page(client, endpoint_id)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="(\w+)"', shown)[1]
    return {"overlap_hours": hours, "fingerprint": fingerprint, "csrf_token": csrf_token(shown)}


def send_test(client, endpoint_id):
    url = f"/admin/webhooks/{endpoint_id}"
    return post_form(client, url, f"{url}/test", {})


def signatures(headers):
    return [part.strip() for part in headers["X-Touchloop-Signature"].split(",")]


def signed_by(secret, headers, body):
    return signature(secret, headers["X-Touchloop-Timestamp"], body) in signatures(headers)


def call_of(session, endpoint_id):
    session.expire_all()
    return session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.endpoint_id == endpoint_id)
        .order_by(OutboxMessage.id.desc())
    )


def test_two_endpoints_each_get_only_their_events_signed_with_their_own_secret(
    admin, session, detractor_case, receiver
):
    crm, crm_secret = create(admin, "CRM", receiver.url("/crm"), ["case.opened", "case.closed"])
    _, bi_secret = create(admin, "Warehouse", receiver.url("/bi"), ["response.received"])
    case = detractor_case()
    transition_case(session, case, "resolved", None, "done", now=utcnow())
    transition_case(session, case, "closed", None, "confirmed", now=utcnow())
    session.commit()
    notify_case_events()
    notify_responses()
    assert deliver_webhooks()["webhooks_sent"] == 3
    assert receiver.events("/crm") == ["case.opened", "case.closed"]
    assert receiver.events("/bi") == ["response.received"]
    for headers, body in receiver.calls("/crm"):
        assert signed_by(crm_secret, headers, body) and not signed_by(bi_secret, headers, body)
        assert headers["X-Touchloop-Event"] == json.loads(body)["event_id"]
    [(headers, body)] = receiver.calls("/bi")
    assert signed_by(bi_secret, headers, body) and len(signatures(headers)) == 1
    assert "Warehouse" not in page(admin, crm)


def test_during_a_rotation_overlap_both_secrets_sign_and_after_it_only_the_new(
    admin, session, receiver
):
    endpoint_id, old = create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    send_test(admin, endpoint_id)  # queued before the rotation, signed as things are when sent
    answer = rotate(admin, endpoint_id, 24)
    new = shown_secret(answer.get_data(as_text=True))
    assert new != old
    deliver_webhooks()
    [(headers, body)] = receiver.calls("/crm")
    assert signatures(headers)[0] == signature(new, headers["X-Touchloop-Timestamp"], body)
    assert signed_by(old, headers, body) and signed_by(new, headers, body)
    assert "The previous secret signs each call too until" in page(admin, endpoint_id)

    session.execute(  # the overlap is over
        sa.update(WebhookEndpoint).values(previous_secret_until=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    send_test(admin, endpoint_id)
    deliver_webhooks()
    headers, body = receiver.calls("/crm")[-1]
    assert signatures(headers) == [signature(new, headers["X-Touchloop-Timestamp"], body)]
    assert not signed_by(old, headers, body)


def test_a_rotation_without_overlap_signs_with_the_new_secret_alone(admin, receiver):
    endpoint_id, old = create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    new = shown_secret(rotate(admin, endpoint_id, 0).get_data(as_text=True))
    send_test(admin, endpoint_id)
    deliver_webhooks()
    [(headers, body)] = receiver.calls("/crm")
    assert signed_by(new, headers, body) and not signed_by(old, headers, body)


def test_a_resubmitted_rotation_changes_nothing(admin, session, receiver):
    """A refresh of the page that showed the new secret must not push the old one out."""
    endpoint_id, old = create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    form = rotation(admin, endpoint_id, 24)
    first = admin.post(f"/admin/webhooks/{endpoint_id}/rotate", data=form)
    new = shown_secret(first.get_data(as_text=True))
    again = admin.post(f"/admin/webhooks/{endpoint_id}/rotate", data=form)
    assert again.status_code == 302
    assert "already" in admin.get(again.location).get_data(as_text=True)
    session.expire_all()
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    assert (endpoint.secret, endpoint.previous_secret) == (new, old)


def test_the_test_button_call_arrives_and_its_answer_shows_on_the_page(admin, receiver):
    endpoint_id, secret = create(admin, "CRM", receiver.url("/crm"), ["case.closed"])
    receiver.answer("/crm", 200, b"Thanks, the CRM has it")
    answer = send_test(admin, endpoint_id)
    shown = admin.get(answer.location).get_data(as_text=True)
    assert "Test call queued" in shown and "waiting" in shown
    assert deliver_webhooks()["webhooks_sent"] == 1
    [(headers, body)] = receiver.calls("/crm")
    assert json.loads(body)["event"] == "webhook.test" and signed_by(secret, headers, body)
    shown = page(admin, endpoint_id)
    assert "200 OK: Thanks, the CRM has it" in shown and "sent" in shown


def test_a_500_is_retried_and_a_404_is_permanent_with_its_answer_on_the_page(
    admin, session, receiver
):
    flaky, _ = create(admin, "Flaky", receiver.url("/flaky"), ["case.opened"])
    gone, _ = create(admin, "Gone", receiver.url("/gone"), ["case.opened"])
    receiver.answer("/flaky", 500, b"database down")
    receiver.answer("/gone", 404, b"no such hook")
    send_test(admin, flaky)
    send_test(admin, gone)
    deliver_webhooks()
    waiting, failed = call_of(session, flaky), call_of(session, gone)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.answer == "500 Internal Server Error: database down"
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.answer == "404 Not Found: no such hook"
    shown = page(admin, gone)
    assert "failed" in shown and "404 Not Found: no such hook" in shown
    assert "Gone" in admin.get("/admin/webhooks").get_data(as_text=True)

    receiver.answer("/flaky", 200, b"better now")
    waiting.next_attempt_at = utcnow()
    session.commit()
    deliver_webhooks()
    retried, given_up = call_of(session, flaky), call_of(session, gone)
    assert (retried.status, retried.attempts, retried.answer) == ("sent", 2, "200 OK: better now")
    assert (given_up.status, len(receiver.calls("/gone"))) == ("failed", 1)


def test_an_unreachable_endpoint_keeps_the_connection_error_as_its_answer(admin, session):
    endpoint_id, _ = create(admin, "Nobody", f"http://127.0.0.1:{free_port()}/", ["case.opened"])
    send_test(admin, endpoint_id)
    deliver_webhooks()
    call = call_of(session, endpoint_id)
    assert call.status == "pending" and call.answer.startswith("no answer:")
    assert "refused" in call.answer.lower()


def test_a_corrected_address_applies_to_the_calls_already_queued(admin, session, receiver):
    endpoint_id, _ = create(admin, "CRM", f"http://127.0.0.1:{free_port()}/", ["case.opened"])
    send_test(admin, endpoint_id)
    deliver_webhooks()
    url = f"/admin/webhooks/{endpoint_id}/edit"
    fixed = {"name": "CRM", "url": receiver.url("/crm"), "events": ["case.opened"], "active": "y"}
    assert post_form(admin, url, url, fixed).status_code == 302
    call_of(session, endpoint_id).next_attempt_at = utcnow()
    session.commit()
    deliver_webhooks()
    assert receiver.events("/crm") == ["webhook.test"]
    assert call_of(session, endpoint_id).recipient == receiver.url("/crm")


def test_a_response_is_announced_once_without_the_customers_contact_or_words(
    admin, session, detractor_case, receiver
):
    endpoint_id, secret = create(admin, "Warehouse", receiver.url("/bi"), ["response.received"])
    customer = CustomerFactory(name="Mei Chen", email="mei.chen@example.com", external_id="C-77")
    case = detractor_case(customer=customer, comment="My adviser was rude")
    assert notify_responses() == {"queued_response_calls": 1}
    assert notify_responses() == {"queued_response_calls": 0}
    deliver_webhooks()
    deliver_webhooks()
    [(headers, body)] = receiver.calls("/bi")
    assert signed_by(secret, headers, body)
    call = json.loads(body)
    assert call["event"] == "response.received"
    response = call["response"]
    assert response["id"] == case.response_id
    assert response["touchpoint"] == case.response.touchpoint.code
    assert response["survey"] == case.response.survey_code
    assert response["scores"]["nps"] == 2 and response["scores"]["nps_category"] == "detractor"
    assert response["customer_external_id"] == "C-77"
    assert response["language"] == "en" and response["submitted_at"]
    for private in (b"mei.chen@example.com", b"Mei Chen", b"rude"):
        assert private not in body


def test_a_response_waits_until_it_has_settled(session, detractor_case):
    create_endpoint(
        session, {"name": "BI", "url": "http://127.0.0.1:9/", "events": ["response.received"]},
        actor="system",
    )  # fmt: skip
    case = detractor_case()
    submitted = case.response.submitted_at
    settle = timedelta(seconds=10)
    assert publish_responses(session, now=submitted, settle=settle) == 0
    assert publish_responses(session, now=submitted + settle, settle=settle) == 1


def test_an_endpoint_hears_of_the_responses_after_it_subscribed(admin, detractor_case, receiver):
    detractor_case()
    assert notify_responses() == {"queued_response_calls": 0}  # nobody listens: moved on
    create(admin, "Warehouse", receiver.url("/bi"), ["response.received"])
    assert notify_responses() == {"queued_response_calls": 0}
    detractor_case()
    assert notify_responses() == {"queued_response_calls": 1}


def test_a_deactivated_endpoint_gets_nothing(admin, session, detractor_case, receiver):
    endpoint_id, _ = create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    detractor_case()
    assert notify_case_events() == {"queued_webhook": 1}
    url = f"/admin/webhooks/{endpoint_id}/edit"
    saved = post_form(
        admin, url, url, {"name": "CRM", "url": receiver.url("/crm"), "events": ["case.opened"]}
    )
    assert saved.status_code == 302
    detractor_case()
    assert notify_case_events() == {"queued": 0}
    assert deliver_webhooks()["webhooks_failed"] == 1
    assert receiver.calls("/crm") == []
    assert call_of(session, endpoint_id).last_error == "not sent: the endpoint is deactivated"
    shown = page(admin, endpoint_id)
    assert "not sent: the endpoint is deactivated" in shown
    assert "Send a test call" not in shown


def test_the_secret_shows_only_in_the_answers_to_create_and_rotate(admin, session, receiver):
    answer = post_form(
        admin,
        "/admin/webhooks/new",
        "/admin/webhooks/new",
        {"name": "CRM", "url": receiver.url("/crm"), "events": ["case.opened"], "active": "y"},
    )
    first = shown_secret(answer.get_data(as_text=True))
    assert answer.headers["Cache-Control"] == "no-store"
    endpoint_id = session.scalar(sa.select(WebhookEndpoint.id))
    send_test(admin, endpoint_id)
    deliver_webhooks()
    rotated = rotate(admin, endpoint_id, 24)
    second = shown_secret(rotated.get_data(as_text=True))
    assert rotated.headers["Cache-Control"] == "no-store"
    send_test(admin, endpoint_id)
    deliver_webhooks()
    pages = [
        admin.get(url).get_data(as_text=True)
        for url in (
            "/admin/webhooks",
            f"/admin/webhooks/{endpoint_id}",
            f"/admin/webhooks/{endpoint_id}/edit",
            "/admin/outbox",
            "/admin/activity",
        )
    ]
    session.expire_all()
    stored = [json.dumps(entry.detail) for entry in session.scalars(sa.select(AuditEntry))] + [
        m.body_text + m.subject_key for m in session.scalars(sa.select(OutboxMessage))
    ]
    with admin.session_transaction() as cookie:
        stored.append(json.dumps(dict(cookie), default=str))
    for secret in (first, second):
        assert not [text for text in pages + stored if secret in text]
        assert secret not in (answer.location or "") + (rotated.location or "")


def test_every_change_is_on_the_endpoints_history(admin, session, receiver):
    endpoint_id, _ = create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    url = f"/admin/webhooks/{endpoint_id}/edit"
    post_form(
        admin,
        url,
        url,
        {"name": "CRM", "url": receiver.url("/v2"), "events": ["case.opened"], "active": "y"},
    )
    rotate(admin, endpoint_id, 24)
    send_test(admin, endpoint_id)
    session.expire_all()
    history = history_of(session, f"webhook:{endpoint_id}")
    assert [entry.action for entry in history] == [
        "webhook.test",
        "webhook.rotate",
        "webhook.update",
        "webhook.create",
    ]
    assert history[2].detail["changes"] == {"url": [receiver.url("/crm"), receiver.url("/v2")]}
    assert history[1].detail["changes"]["secret"] == ["(changed)", "(changed)"]
    assert history[3].detail["changes"]["secret"] == ["(changed)", "(changed)"]
    assert "admin@bank.example.com" in page(admin, endpoint_id)


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("ftp://crm.bank.example/hook", "starting with https://"),
        ("javascript:alert(1)", "starting with https://"),
        ("http://[::1/hook", "starting with https://"),
        ("https://crm.bank.example:99999/hook", "starting with https://"),
        ("https://crm:hunter2@crm.bank.example/hook", "Leave user names and passwords out"),
        ("https://crm.bank.example/a hook", "no spaces"),
    ],
)
def test_an_address_that_is_not_a_plain_web_address_is_refused(admin, session, url, refusal):
    answer = post_form(
        admin,
        "/admin/webhooks/new",
        "/admin/webhooks/new",
        {"name": "CRM", "url": url, "events": ["case.opened"]},
    )
    assert refusal in answer.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_a_taken_name_and_no_events_are_refused_beside_their_fields(admin, session, receiver):
    create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    again = post_form(
        admin,
        "/admin/webhooks/new",
        "/admin/webhooks/new",
        {"name": "CRM", "url": receiver.url("/other"), "events": []},
    ).get_data(as_text=True)
    assert "Another endpoint has this name." in again
    assert "Choose at least one event." in again
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 1


def test_the_environments_url_is_listed_read_only_without_its_password(app, admin):
    app.config.update(WEBHOOK_URL="https://crm:hunter2@crm.bank.example/touchloop")
    try:
        listed = admin.get("/admin/webhooks").get_data(as_text=True)
    finally:
        app.config.update(WEBHOOK_URL=None)
    assert "Set in the environment" in listed
    assert "https://crm.bank.example/touchloop" in listed and "hunter2" not in listed


def test_the_environments_url_and_an_endpoint_both_hear_of_a_case(
    app, admin, detractor_case, receiver
):
    endpoint_id, secret = create(admin, "CRM", receiver.url("/crm"), ["case.opened"])
    app.config.update(WEBHOOK_URL=receiver.url("/env"), WEBHOOK_SECRET="s3")
    try:
        detractor_case()
        assert notify_case_events() == {"queued_webhook": 2}
        deliver_webhooks()
    finally:
        app.config.update(WEBHOOK_URL=None)
    [(env_headers, env_body)] = receiver.calls("/env")
    [(headers, body)] = receiver.calls("/crm")
    assert signed_by("s3", env_headers, env_body) and signed_by(secret, headers, body)
    assert env_body == body
