"""What SMS providers call back: receipts update the message, an opt-out reply opts the customer
out on every channel, and a caller that cannot prove itself changes nothing."""

import hashlib
import hmac
import json
import logging

import pytest

from app.models import ChannelSettings, Customer, OutboxMessage, utcnow
from tests.app.sms_helpers import MOBILE, queue_sms
from tests.factories import CustomerFactory
from tests.fakes.tencent_sms import reply_callback, status_callback

SECRET = "callback-secret"
TENCENT_ADDRESS = "203.205.0.7"


@pytest.fixture
def hooks(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_CALLBACK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "SMS_CALLBACK_ALLOWED_IPS", ["203.205.0.0/16", "10.1.2.3"])
    return app


@pytest.fixture
def sent(session):
    """An SMS the provider took (its id "plat-1"), its invitation waiting for the receipt."""
    now = utcnow()
    message = queue_sms(session, now)
    message.status, message.provider_ref = "sent", "plat-1"
    message.invitation.delivery_due_at = now
    session.commit()
    return message


def signed_post(client, path, body, secret=SECRET):
    raw = json.dumps(body).encode()
    signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        path, data=raw, content_type="application/json",
        headers={"X-Touchloop-Signature": signature},
    )  # fmt: skip


def from_address(client, path, body, address=TENCENT_ADDRESS):
    return client.post(path, json=body, environ_base={"REMOTE_ADDR": address})


def reload(session, message):
    session.expire_all()
    return session.get(OutboxMessage, message.id)


def opted_out(session, customer_id):
    session.expire_all()
    return session.get(Customer, customer_id).opted_out_at is not None


def test_a_signed_delivered_receipt_marks_the_message_and_stops_the_fallback(
    hooks, client, session, sent
):
    answer = signed_post(
        client, "/hooks/sms/http/receipts", {"msgid": "plat-1", "status": "delivered"}
    )
    assert (answer.status_code, answer.get_json()) == (200, {"result": 0, "errmsg": "OK"})
    message = reload(session, sent)
    assert message.delivery_status == "delivered"
    assert message.delivered_at is not None
    assert message.invitation.delivery_due_at is None


def test_an_undelivered_receipt_makes_the_next_channel_due_and_keeps_the_reason(
    hooks, client, session, sent
):
    body = [{"msgid": "plat-1", "status": "undelivered", "detail": "MK:0005 powered off"}]
    assert signed_post(client, "/hooks/sms/http/receipts", body).status_code == 200
    message = reload(session, sent)
    assert (message.delivery_status, message.last_error) == ("undelivered", "MK:0005 powered off")
    assert message.invitation.delivery_due_at is not None


def test_a_receipt_for_an_unknown_message_is_taken_and_changes_nothing(
    hooks, client, session, sent
):
    answer = signed_post(
        client, "/hooks/sms/http/receipts", {"msgid": "other", "status": "delivered"}
    )
    assert answer.get_json()["result"] == 0
    assert reload(session, sent).delivery_status == ""


def test_a_late_failure_after_delivery_changes_nothing(hooks, client, session, sent):
    signed_post(client, "/hooks/sms/http/receipts", {"msgid": "plat-1", "status": "delivered"})
    signed_post(client, "/hooks/sms/http/receipts", {"msgid": "plat-1", "status": "undelivered"})
    message = reload(session, sent)
    assert message.delivery_status == "delivered"
    assert message.invitation.delivery_due_at is None


def test_tencents_status_callback_updates_the_message_by_its_sid(hooks, client, session, sent):
    answer = from_address(
        client, "/hooks/sms/cloud/receipts", status_callback("plat-1", delivered=False)
    )
    assert (answer.status_code, answer.get_json()) == (200, {"result": 0, "errmsg": "OK"})
    message = reload(session, sent)
    assert message.delivery_status == "undelivered"
    assert message.last_error == "MK:0005 用户短信接收失败"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/hooks/sms/http/receipts", {"msgid": "plat-1", "status": "delivered"}),
        ("/hooks/sms/http/replies", {"mobile": MOBILE, "text": "TD"}),
    ],
)
def test_a_wrong_signature_from_an_unlisted_address_is_refused(
    hooks, client, session, sent, path, body
):
    customer = CustomerFactory(mobile=MOBILE)
    session.commit()
    answer = signed_post(client, path, body, secret="guessed")
    assert answer.status_code == 403
    assert answer.get_json()["result"] == 1
    assert reload(session, sent).delivery_status == ""
    assert not opted_out(session, customer.id)


def test_a_listed_address_needs_no_signature(hooks, client, session, sent):
    body = {"msgid": "plat-1", "status": "delivered"}
    assert from_address(client, "/hooks/sms/http/receipts", body, "10.1.2.3").status_code == 200
    assert reload(session, sent).delivery_status == "delivered"


def test_tencent_callbacks_are_refused_from_an_unlisted_address_even_if_signed(
    hooks, client, session, sent
):
    body = status_callback("plat-1", delivered=True)
    assert (
        from_address(client, "/hooks/sms/cloud/receipts", body, "198.51.100.9").status_code == 403
    )
    assert signed_post(client, "/hooks/sms/cloud/receipts", body).status_code == 403
    assert reload(session, sent).delivery_status == ""


def test_without_a_secret_or_a_list_every_callback_is_refused(
    app, client, session, sent, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_CALLBACK_SECRET", None)
    monkeypatch.setitem(app.config, "SMS_CALLBACK_ALLOWED_IPS", [])
    body = {"msgid": "plat-1", "status": "delivered"}
    assert signed_post(client, "/hooks/sms/http/receipts", body, secret="").status_code == 403
    assert from_address(client, "/hooks/sms/cloud/receipts", body).status_code == 403
    assert reload(session, sent).delivery_status == ""


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "the body is not JSON"),
        (b"\xff\xfe", "the body is not JSON"),
        (b"[]", "the body must be an object or an array of objects"),
        (b'[{"msgid": "plat-1", "status": "delivered"}, "x"]', "an object or an array of objects"),
        (b'{"msgid": "plat-1", "status": "read"}', 'status must be "delivered" or "undelivered"'),
        (
            b'[{"msgid": "plat-1", "status": "delivered"}, {"status": "delivered"}]',
            "msgid is missing",
        ),
        (b'{"msgid": true, "status": "delivered"}', "msgid is missing"),
    ],
)
def test_a_malformed_receipt_is_refused_with_the_reason_and_nothing_stored(
    hooks, client, session, sent, body, why
):
    answer = client.post(
        "/hooks/sms/http/receipts", data=body, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert answer.status_code == 400
    assert why in answer.get_json()["errmsg"]
    assert reload(session, sent).delivery_status == ""


@pytest.mark.parametrize("text", ["TD", " td", "退订", "T"])
def test_an_opt_out_reply_through_tencent_opts_the_customer_out(hooks, client, session, text):
    customer, other = CustomerFactory(mobile=MOBILE), CustomerFactory(mobile="+8613900139000")
    session.commit()
    answer = from_address(client, "/hooks/sms/cloud/replies", reply_callback(text))
    assert answer.get_json() == {"result": 0, "errmsg": "OK"}
    assert opted_out(session, customer.id)
    assert not opted_out(session, other.id)


def test_another_reply_opts_no_one_out(hooks, client, session):
    customer = CustomerFactory(mobile=MOBILE)
    session.commit()
    assert (
        from_address(client, "/hooks/sms/cloud/replies", reply_callback("谢谢")).status_code == 200
    )
    assert not opted_out(session, customer.id)


def test_the_banks_own_keyword_through_its_platform_opts_out_a_national_number(
    hooks, client, session
):
    session.add(ChannelSettings(id=1, sms_opt_out_keyword="STOP"))
    customer = CustomerFactory(mobile=MOBILE)
    session.commit()
    answer = signed_post(
        client, "/hooks/sms/http/replies", {"mobile": "13800138000", "text": "stop"}
    )
    assert answer.status_code == 200
    assert opted_out(session, customer.id)


def test_a_reply_with_a_number_that_is_not_one_is_refused(hooks, client, session):
    answer = signed_post(client, "/hooks/sms/http/replies", {"mobile": "12", "text": "TD"})
    assert (answer.status_code, answer.get_json()["errmsg"]) == (
        400,
        "mobile is not a phone number",
    )


def test_mobiles_never_reach_the_log(hooks, client, session, caplog):
    CustomerFactory(mobile=MOBILE)
    session.commit()
    with caplog.at_level(logging.DEBUG):
        from_address(client, "/hooks/sms/cloud/replies", reply_callback("TD"))
        from_address(client, "/hooks/sms/cloud/receipts", status_callback("x", delivered=True))
    assert "opted out" in caplog.text
    assert "13800138000" not in caplog.text
