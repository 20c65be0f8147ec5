"""WeChat's calls to /hooks/wechat: the address check, delivery events and the rest, accepted
only when signed with the bank's callback token."""

import time

import pytest

from app.models import OutboxMessage, utcnow
from app.services.distribution.outbox import enqueue_message
from tests.app.conftest import snapshot
from tests.factories import InvitationFactory
from tests.fakes.wechat_api import job_finished, signed_query, unsubscribed

TOKEN = "bank-callback-token"
MSG_ID = "2002283320"


@pytest.fixture
def signed(app):
    app.config["WECHAT_CALLBACK_TOKEN"] = TOKEN
    yield
    app.config["WECHAT_CALLBACK_TOKEN"] = None


@pytest.fixture
def sent_message(session):
    """A WeChat invitation WeChat took (its msgid stored), waiting for WeChat's word."""
    invitation = InvitationFactory(channel="wechat")
    message = enqueue_message(
        session,
        channel="wechat",
        kind="invitation",
        subject_key=f"invitation:{invitation.id}:wechat",
        recipient="oWx3s5Ek2hHq7o0AbCdEfGhIjKlM",
        body_text="text",
        invitation_id=invitation.id,
        now=utcnow(),
    )
    message.status, message.provider_ref, message.sent_at = "sent", MSG_ID, utcnow()
    session.commit()
    return message.id


def post(client, body, query=None):
    return client.post(
        "/hooks/wechat", query_string=signed_query(TOKEN) if query is None else query, data=body,
        content_type="text/xml",
    )  # fmt: skip


def reload(session, message_id):
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def test_wechat_checking_the_address_gets_its_echostr_back(client, signed):
    answer = client.get("/hooks/wechat", query_string={**signed_query(TOKEN), "echostr": "83921"})
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "83921"


@pytest.mark.parametrize(
    "query",
    [
        signed_query("someone-elses-token"),
        {**signed_query(TOKEN), "nonce": "changed"},
        signed_query(TOKEN, timestamp=int(time.time()) - 3600),  # an overheard, replayed call
        {},
    ],
    ids=["other token", "tampered", "an hour old", "unsigned"],
)
def test_a_call_not_signed_by_wechat_with_our_token_is_refused(
    client, session, signed, sent_message, query
):
    assert client.get("/hooks/wechat", query_string={**query, "echostr": "1"}).status_code == 403
    before = snapshot()
    assert post(client, job_finished(MSG_ID, "success"), query).status_code == 403
    assert snapshot() == before


def test_without_a_callback_token_set_every_call_is_refused(client, session, sent_message):
    assert post(client, job_finished(MSG_ID, "success")).status_code == 403
    assert reload(session, sent_message).delivery_status == ""


def test_a_delivered_template_message_is_marked_delivered(client, session, signed, sent_message):
    answer = post(client, job_finished(MSG_ID, "success"))
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "success")
    message = reload(session, sent_message)
    assert message.delivery_status == "delivered" and message.delivered_at is not None
    assert message.invitation.delivery_due_at is None


@pytest.mark.parametrize("status", ["failed:user block", "failed: system failed"])
def test_an_undelivered_template_message_makes_the_next_channel_due(
    client, session, signed, sent_message, status
):
    assert post(client, job_finished(MSG_ID, status)).get_data(as_text=True) == "success"
    message = reload(session, sent_message)
    assert message.delivery_status == "undelivered" and status in message.last_error
    assert message.invitation.delivery_due_at is not None


def test_a_late_failure_report_does_not_undo_a_delivery(client, session, signed, sent_message):
    post(client, job_finished(MSG_ID, "success"))
    post(client, job_finished(MSG_ID, "failed: system failed"))
    assert reload(session, sent_message).delivery_status == "delivered"


def test_an_unfollow_or_an_unknown_message_is_acknowledged_and_changes_nothing(
    client, session, signed, sent_message
):
    before = snapshot()
    for body in (unsubscribed(), job_finished("999", "success")):
        answer = post(client, body)
        assert (answer.status_code, answer.get_data(as_text=True)) == (200, "success")
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [b"", b"<xml><MsgType>event", b"not xml", b"<other/>", job_finished("not-a-number", "x")],
)
def test_a_body_that_is_not_wechats_xml_is_refused(client, session, signed, sent_message, body):
    assert post(client, body).status_code == 400
    assert reload(session, sent_message).delivery_status == ""
