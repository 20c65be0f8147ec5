"""A client gives up after the server committed, and sends again: still one response, one case."""

import json
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.models import Case, Invitation, Response, TouchpointEvent
from app.services.accounts.api_keys import create_api_key
from app.services.feedback.survey_versions import sync_surveys
from app.worker.jobs import route_responses
from tests.conftest import csrf_token
from tests.factories import InvitationFactory, TouchpointFactory, survey_link
from tests.reliability.conftest import event

CLIENT_TIMEOUT, SLOW_ANSWER = 0.5, 1.5


@pytest.fixture
def slow_server(app, monkeypatch):
    """The app on a real socket, answering only SLOW_ANSWER seconds after its view committed."""
    inner = app.wsgi_app

    def late(environ, start_response):
        with app.app_context():
            body = list(inner(environ, start_response))
        if environ["REQUEST_METHOD"] == "POST":
            time.sleep(SLOW_ANSWER)
        return body

    monkeypatch.setattr(app, "wsgi_app", late)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def post_until_answered(url, data, headers):
    """A client that times out and retries, as bank systems and browsers do."""
    for _ in range(5):
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT * 6) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
    raise AssertionError("never answered")


def timed_out_post(url, data, headers):
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT)


def count(session, model):
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_retried_event_is_a_duplicate_of_the_committed_one(slow_server, session):
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    body = json.dumps(event("evt-retried")).encode()
    timed_out_post(slow_server + "/api/v1/events", body, headers)
    status, text = post_until_answered(slow_server + "/api/v1/events", body, headers)
    assert (status, json.loads(text)["status"]) == (202, "duplicate")
    assert (count(session, TouchpointEvent), count(session, Invitation)) == (1, 1)


def test_a_retried_survey_answer_is_already_answered_and_opens_one_case(app, slow_server, session):
    sync_surveys(session)
    path = survey_link(app.config["SECRET_KEY"], InvitationFactory())
    session.commit()
    with urllib.request.urlopen(slow_server + path, timeout=5) as page:
        token = csrf_token(page.read().decode())
    answers = {"nps": "1", "what_went_wrong": "staff", "comment": "No call back", "consent": "yes"}
    form = urlencode({"csrf_token": token, **answers}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    timed_out_post(slow_server + path, form, headers)
    status, page = post_until_answered(slow_server + path, form, headers)
    assert status == 409 and "already" in page.lower()
    route_responses()
    assert (count(session, Response), count(session, Case)) == (1, 1)
