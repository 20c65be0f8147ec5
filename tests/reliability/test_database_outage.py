"""The database goes away for a while: people get a clear 503, the worker waits, nothing is lost."""

import time

import pytest
import sqlalchemy as sa

from app.models import TouchpointEvent
from app.services.accounts.api_keys import create_api_key
from app.services.feedback.survey_versions import sync_surveys
from tests.app.openapi_check import assert_matches_openapi
from tests.conftest import start_worker, stop_worker
from tests.factories import InvitationFactory, TouchpointFactory, scheduled_invitations, survey_link
from tests.reliability.conftest import event, proxied_url, wait_for, web_through
from tests.reliability.proxy import TcpProxy


def test_the_web_answers_503_with_retry_after_while_the_database_is_away(
    proxied_app, db_proxy, session
):
    sync_surveys(session)
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "core-banking")
    link = survey_link(proxied_app.config["SECRET_KEY"], InvitationFactory())
    session.commit()
    client, headers = proxied_app.test_client(), {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/events", json=event("before"), headers=headers).status_code == 202

    db_proxy.stop()
    api = client.post("/api/v1/events", json=event("during"), headers=headers)
    page = client.get(link)
    db_proxy.start()

    assert (api.status_code, api.headers["Retry-After"], api.get_json()["error"]) == (
        503,
        "7",
        "unavailable",
    )
    assert_matches_openapi("/api/v1/events", "post", api)
    text = page.get_data(as_text=True)
    assert (page.status_code, page.headers["Retry-After"], page.mimetype) == (503, "7", "text/html")
    assert "Briefly unavailable" in text and "暂时无法使用" in text
    assert "Traceback" not in text and "psycopg" not in text
    again = client.post("/api/v1/events", json=event("during"), headers=headers)
    assert again.status_code == 202 and again.get_json()["status"] == "accepted"
    session.expire_all()
    stored = session.scalars(
        sa.select(TouchpointEvent.event_id).where(TouchpointEvent.api_key_id.is_not(None))
    ).all()
    assert sorted(stored) == ["before", "during"]


@pytest.mark.parametrize(
    ("ping_after_idle", "first_after_restart"),
    [(0.0, 202), (3600.0, 503)],
    ids=["idle connection pinged", "busy connection"],
)
def test_a_restart_costs_a_busy_process_one_request_and_an_idle_one_none(
    postgres, db_proxy: TcpProxy, session, ping_after_idle: float, first_after_restart: int
):
    """Pooled connections the server dropped: replaced unseen after an idle spell; otherwise
    the first request meets the dead socket and gets a 503, and the pool retires the rest."""
    sync_surveys(session)
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    with web_through(db_proxy, postgres, DATABASE_PING_AFTER_IDLE_SECONDS=ping_after_idle) as web:
        client, headers = web.test_client(), {"Authorization": f"Bearer {secret}"}
        assert client.post("/api/v1/events", json=event("a"), headers=headers).status_code == 202
        db_proxy.stop()  # the server restarts: every pooled connection is cut
        db_proxy.start()
        answers = [
            client.post("/api/v1/events", json=event(name), headers=headers).status_code
            for name in ("b", "c", "d")
        ]
    assert answers == [first_after_restart, 202, 202]
    session.expire_all()
    stored = session.scalars(sa.select(TouchpointEvent.event_id).order_by("event_id")).all()
    assert stored == (["a", "b", "c", "d"] if first_after_restart == 202 else ["a", "c", "d"])


def test_the_worker_rides_out_an_outage_and_sends_everything_once(
    postgres, db_proxy, session, smtp_server
):
    scheduled_invitations(session, 10)
    worker = start_worker(
        postgres,
        DATABASE_URL=proxied_url(db_proxy, postgres),
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=str(smtp_server.port),
    )
    try:
        wait_for(lambda: len(smtp_server.messages) >= 10, seconds=30)
        scheduled_invitations(session, 10)  # accepted just before the database goes away
        db_proxy.stop()
        time.sleep(4)
        alive_during_outage = worker.poll() is None
        db_proxy.start()
        wait_for(lambda: len(smtp_server.messages) >= 20, seconds=40)
        time.sleep(1.5)  # a duplicate would arrive now
    finally:
        output = stop_worker(worker)
    assert alive_during_outage, output
    recipients = [message["To"] for message in smtp_server.messages]
    assert len(recipients) == len(set(recipients)) == 20, output
    assert "failed; it runs again" in output or "Error getting due jobs" in output
    assert worker.returncode == 0, output
