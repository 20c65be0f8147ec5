"""Tencent Cloud SMS through its official SDK, against a fake of SendSms (API 2021-01-11) on
loopback that checks the TC3 signature: success, rate limits, Tencent's errors, a wrong number."""

import logging
from datetime import timedelta

import pytest

from app.models import utcnow
from app.services.distribution.providers.sms import sms_sender
from tests.app.sms_helpers import MOBILE, cloud_settings, deliver, queue_sms
from tests.fakes.tencent_sms import SECRET_ID, SECRET_KEY, tencent_sms


@pytest.fixture
def tencent():
    with tencent_sms() as fake:
        yield fake


def config(fake, **overrides):
    return {
        "TENCENTCLOUD_SECRET_ID": SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
        "SMS_CLOUD_URL": fake.url,
        "PROVIDER_TIMEOUT_SECONDS": 0.5,
        **overrides,
    }


def test_a_signed_sendsms_call_goes_out_and_the_serial_number_is_kept(session, tencent):
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert (report.sent, message.status) == (1, "sent")
    assert message.provider_ref.startswith("2433:")
    [sent] = tencent.received
    assert sent["SmsSdkAppId"] == "1400006666"
    assert sent["SignName"] == "翠港银行"  # the approved signature's name, without 【】
    assert (sent["TemplateId"], sent["TemplateParamSet"]) == ("449739", ["网点到访", "r/Ab3dE5g"])
    assert sent["PhoneNumberSet"] == [MOBILE]


def test_an_english_invitation_uses_the_english_template(session, tencent):
    now = utcnow()
    message = queue_sms(session, now, language="en")
    deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert tencent.received[0]["TemplateId"] == "449740"


def test_a_language_without_an_approved_template_fails_and_falls_back(session, tencent):
    now = utcnow()
    message = queue_sms(session, now, language="en")
    settings = cloud_settings(sms_cloud_template_en="")
    deliver(session, message, sms_sender(settings, config(tencent)), now)
    assert (message.status, tencent.received) == ("failed", [])
    assert message.invitation.delivery_due_at == now


def test_a_wrong_secret_is_refused_by_tencent_and_fails_for_good(session, tencent):
    now = utcnow()
    message = queue_sms(session, now)
    wrong = config(tencent, TENCENTCLOUD_SECRET_KEY="not-the-key")
    deliver(session, message, sms_sender(cloud_settings(), wrong), now)
    assert message.status == "failed"
    assert "AuthFailure.SignatureFailure" in message.last_error
    assert SECRET_KEY not in message.last_error


@pytest.mark.parametrize(
    "code",
    [
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberInBlacklist",
        "FailedOperation.TemplateIncorrectOrUnapproved",
    ],
)
def test_a_wrong_number_or_template_fails_for_good(session, tencent, code):
    tencent.code = code
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert (report.failed, message.status) == (1, "failed")
    assert code in message.last_error
    assert MOBILE not in message.last_error
    assert message.invitation.delivery_due_at == now


@pytest.mark.parametrize(
    "code", ["LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.DeliveryFrequencyLimit"]
)
def test_a_rate_limited_number_is_tried_again_later(session, tencent, code):
    tencent.code = code
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert (report.retried, message.status) == (1, "pending")
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert message.invitation.delivery_due_at is None


@pytest.mark.parametrize("error", ["RequestLimitExceeded", "InternalError.Timeout"])
def test_a_request_rate_limit_or_tencent_error_is_tried_again(session, tencent, error):
    tencent.error = error
    now = utcnow()
    message = queue_sms(session, now)
    deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert message.status == "pending"
    assert error in message.last_error


def test_a_5xx_from_tencent_is_tried_again_with_back_off(session, tencent):
    tencent.status = 502
    now = utcnow()
    message = queue_sms(session, now)
    send = sms_sender(cloud_settings(), config(tencent))
    deliver(session, message, send, now)
    deliver(session, message, send, now + timedelta(seconds=31))
    assert (message.status, message.attempts) == ("pending", 2)
    assert message.next_attempt_at == now + timedelta(seconds=31, minutes=1)


def test_tencent_slower_than_the_timeout_is_tried_again(session, tencent):
    tencent.delay = 1.5
    now = utcnow()
    message = queue_sms(session, now)
    report = deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert (report.retried, message.status) == (1, "pending")
    assert "ClientNetworkError" in message.last_error


def test_the_numbers_stay_out_of_the_log_even_at_debug_level(session, tencent, caplog):
    now = utcnow()
    message = queue_sms(session, now)
    with caplog.at_level(logging.DEBUG):
        deliver(session, message, sms_sender(cloud_settings(), config(tencent)), now)
    assert message.status == "sent"
    assert MOBILE.removeprefix("+86") not in caplog.text
