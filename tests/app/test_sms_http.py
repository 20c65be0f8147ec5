"""The bank's own SMS platform, called over HTTP on a fake on loopback: the configured request,
the agreed answer, and each failure as the outbox must treat it."""

from datetime import timedelta

import pytest

from app.models import utcnow
from app.services.distribution.providers.sms import sms_sender
from tests.app.sms_helpers import MOBILE, TEXT, deliver, http_settings, queue_sms
from tests.fakes.sms_platform import TOKEN, sms_platform

CONFIG = {"SMS_HTTP_TOKEN": TOKEN, "PROVIDER_TIMEOUT_SECONDS": 0.5}


@pytest.fixture
def platform():
    with sms_platform() as fake:
        yield fake


def test_a_message_goes_out_with_the_token_and_keeps_the_platforms_id(session, platform):
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(http_settings(platform.url), CONFIG), now)
    assert (report.sent, message.status, message.provider_ref) == (1, "sent", "plat-1")
    assert platform.received == [
        {
            "method": "POST",
            "content_type": "application/json",
            "fields": {"mobile": MOBILE, "text": TEXT, "ref": message.subject_key},
        }
    ]


def test_a_json_template_escapes_quotes_and_line_breaks_in_the_text(session, platform):
    now = utcnow()
    text = 'He said "fine"\nand left \\ 好'
    message = queue_sms(session, now, text=text)
    body = '{"to": "{mobile}", "content": "{text}", "sign": "翠港银行"}'
    settings = http_settings(platform.url, sms_http_body=body)
    deliver(session, message, sms_sender(settings, CONFIG), now)
    assert platform.received[0]["fields"] == {"to": MOBILE, "content": text, "sign": "翠港银行"}


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_form_template_url_encodes_the_values(session, platform, method):
    now = utcnow()
    message = queue_sms(session, now, text="好 & =+ 退订")
    settings = http_settings(
        platform.url, sms_http_method=method, sms_http_body="phone={mobile}&msg={text}&id={ref}"
    )
    deliver(session, message, sms_sender(settings, CONFIG), now)
    received = platform.received[0]
    assert received["method"] == method
    assert received["fields"] == {"phone": MOBILE, "msg": "好 & =+ 退订", "id": message.subject_key}


def test_a_platform_slower_than_the_timeout_is_tried_again_after_30_seconds(session, platform):
    platform.delay = 1.5
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(http_settings(platform.url), CONFIG), now)
    assert (report.retried, message.status, message.attempts) == (1, "pending", 1)
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert "no answer from the SMS platform" in message.last_error


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_5xx_or_rate_limit_is_retried_with_growing_back_off(session, platform, status):
    platform.status = status
    now = utcnow()
    message = queue_sms(session, now)
    send = sms_sender(http_settings(platform.url), CONFIG)
    deliver(session, message, send, now)
    later = now + timedelta(seconds=31)
    deliver(session, message, send, later)
    assert (message.status, message.attempts) == ("pending", 2)
    assert message.next_attempt_at == later + timedelta(minutes=1)
    assert str(status) in message.last_error


@pytest.mark.parametrize("status", [400, 401, 404])
def test_a_4xx_fails_the_message_and_makes_the_next_channel_due(session, platform, status):
    platform.status = status
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(http_settings(platform.url), CONFIG), now)
    assert (report.failed, message.status) == (1, "failed")
    assert message.invitation.delivery_due_at == now


def test_an_invalid_number_fails_for_good(session, platform):
    platform.code = 1001
    now = utcnow()
    message = queue_sms(session, now)
    deliver(session, message, sms_sender(http_settings(platform.url), CONFIG), now)
    assert message.status == "failed"
    assert "not a valid number" in message.last_error
    assert MOBILE not in message.last_error


def test_another_answer_code_is_tried_again(session, platform):
    platform.code = 2001
    now = utcnow()
    message = queue_sms(session, now)
    deliver(session, message, sms_sender(http_settings(platform.url), CONFIG), now)
    assert (message.status, message.last_error) == ("pending", "SMS platform code 2001")


def test_an_unreachable_platform_is_tried_again(session):
    with sms_platform() as gone:
        url = gone.url
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(http_settings(url), CONFIG), now)
    assert (report.retried, message.status) == (1, "pending")


def test_with_sms_switched_off_a_queued_message_fails_and_falls_back(session):
    now = utcnow()
    message = queue_sms(session, now)
    off = http_settings("", sms_provider="")
    deliver(session, message, sms_sender(off, CONFIG), now)
    assert message.status == "failed"
    assert message.invitation.delivery_due_at == now
