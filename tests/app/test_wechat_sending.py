"""WeChat template messages through the outbox, against a fake WeChat API on loopback: sent,
tried again later (timeout, 5xx, rate limits, system busy), or failed for good so the
invitation goes by its next channel (unknown openid, not following, wrong template)."""

from datetime import timedelta

import pytest

from app.models import ChannelSettings, OutboxMessage, utcnow
from app.services.distribution.channels.wechat import wechat_payload, wechat_summary
from app.services.distribution.outbox import (
    DeliveryReport,
    claim_deliverable,
    deliver_one,
    enqueue_message,
)
from app.services.distribution.providers.wechat import wechat_sender
from app.worker.jobs import deliver_wechat
from tests.conftest import free_port
from tests.factories import InvitationFactory
from tests.fakes.wechat_api import (
    APP_ID,
    APP_SECRET,
    FOLLOWER,
    TEMPLATE_ID,
    HttpStatus,
    Refuse,
    Stall,
    running_fake_wechat,
)

SETTINGS = ChannelSettings(wechat_app_id=APP_ID, wechat_template_id=TEMPLATE_ID)
LINK = "http://localhost/s/a-signed-survey-token"


@pytest.fixture
def fake(app):
    with running_fake_wechat() as fake:
        app.config.update(
            WECHAT_API_URL=fake.url, WECHAT_APP_SECRET=APP_SECRET, PROVIDER_TIMEOUT_SECONDS=0.5
        )
        yield fake
    app.config.update(WECHAT_API_URL=None, WECHAT_APP_SECRET=None, PROVIDER_TIMEOUT_SECONDS=10)


def queue(session, openid=FOLLOWER, settings=SETTINGS, language="zh"):
    invitation = InvitationFactory(channel="wechat")
    payload = wechat_payload(
        settings,
        language=language,
        touchpoint_name="网点到访",
        when_text="2026年3月2日 10:15",
        link=LINK,
    )
    message = enqueue_message(
        session,
        channel="wechat",
        kind="invitation",
        subject_key=f"invitation:{invitation.id}:wechat",
        recipient=openid,
        body_text=wechat_summary(payload),
        payload=payload,
        invitation_id=invitation.id,
        now=utcnow(),
    )
    session.commit()
    return message.id


def deliver(app, session):
    """One delivery run of the WeChat channel, as the worker does it."""
    report, now = DeliveryReport(), utcnow()
    ids = claim_deliverable(session, now=now, channel="wechat")
    session.commit()
    send = wechat_sender(session, SETTINGS, app.config)
    for message_id in ids:
        deliver_one(session, message_id, send, now=now, report=report)
        session.commit()
    return report


def reload(session, message_id):
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def test_a_message_goes_to_the_customers_openid_opening_the_survey(app, session, fake):
    message_id = queue(session)
    assert deliver(app, session).sent == 1

    [received] = fake.sent
    assert (received["touser"], received["template_id"]) == (FOLLOWER, TEMPLATE_ID)
    assert received["url"] == LINK
    assert received["data"]["keyword1"]["value"] == "网点到访"
    assert received["data"]["keyword2"]["value"] == "2026年3月2日 10:15"
    assert "评价" in received["data"]["first"]["value"]
    sent = reload(session, message_id)
    assert (sent.status, sent.provider_ref) == ("sent", str(received["msgid"]))
    assert sent.body_text.splitlines()[1:3] == ["网点到访", "2026年3月2日 10:15"]


def test_an_english_customer_gets_the_english_words(app, session, fake):
    queue(session, language="en")
    deliver(app, session)
    assert fake.sent[0]["data"]["first"]["value"].startswith("Thank you")


def test_many_messages_share_one_access_token(app, session, fake):
    for _ in range(3):
        queue(session)
    assert deliver(app, session).sent == 3
    assert fake.tokens_issued == ["ACCESS_TOKEN_1"]


def test_a_token_wechat_rejects_is_replaced_and_the_message_sent_at_once(app, session, fake):
    queue(session)
    deliver(app, session)
    fake.revoke_tokens()  # e.g. someone fetched a token for the account elsewhere
    message_id = queue(session)
    assert deliver(app, session).sent == 1
    assert fake.tokens_issued == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_2"]
    assert reload(session, message_id).status == "sent"


def test_a_token_rejected_again_after_renewal_is_not_renewed_in_a_loop(app, session, fake):
    message_id = queue(session)
    fake.then(Refuse(40001, "invalid credential"), Refuse(40001, "invalid credential"))
    assert deliver(app, session).retried == 1
    assert fake.tokens_issued == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_2"]
    assert "40001" in reload(session, message_id).last_error


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (Stall(1.5), "did not answer in 0.5 s"),
        (HttpStatus(502), "HTTP 502"),
        (HttpStatus(503), "HTTP 503"),
        (Refuse(45009, "reach max api daily quota limit"), "45009"),
        (Refuse(45047, "out of response count limit"), "45047"),
        (Refuse(-1, "system error"), "-1"),
    ],
)
def test_a_slow_busy_or_rate_limited_wechat_is_tried_again_later(app, session, fake, answer, error):
    message_id = queue(session)
    fake.then(answer)
    assert deliver(app, session).retried == 1
    waiting = reload(session, message_id)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert error in waiting.last_error
    assert waiting.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert waiting.invitation.delivery_due_at is None  # no fallback for a passing problem


@pytest.mark.parametrize(
    ("openid", "settings", "error"),
    [
        ("o-not-one-of-ours", SETTINGS, "40003: not a valid openid"),
        ("oUnfollowed", SETTINGS, "43004: the customer does not follow"),
        (FOLLOWER, ChannelSettings(wechat_template_id="retired-template"), "40037"),
    ],
)
def test_a_message_wechat_refuses_for_good_fails_and_the_next_channel_is_due(
    app, session, fake, openid, settings, error
):
    fake.unfollowed.add("oUnfollowed")
    message_id = queue(session, openid=openid, settings=settings)
    assert deliver(app, session).failed == 1
    failed = reload(session, message_id)
    assert failed.status == "failed" and error in failed.last_error
    assert failed.invitation.delivery_due_at is not None  # the fallback job takes it from here
    assert fake.sent == []


def test_an_unreachable_wechat_is_tried_again_and_the_token_is_never_in_the_error(
    app, session, fake
):
    queue(session)
    deliver(app, session)  # a token is stored now
    app.config["WECHAT_API_URL"] = f"http://127.0.0.1:{free_port()}/cgi-bin/"
    message_id = queue(session)
    assert deliver(app, session).retried == 1
    error = reload(session, message_id).last_error
    assert error == "could not reach WeChat"
    assert "ACCESS_TOKEN" not in error


def test_wrong_app_credentials_keep_the_message_waiting_with_wechats_reason(app, session, fake):
    app.config["WECHAT_APP_SECRET"] = "not-the-secret"
    message_id = queue(session)
    assert deliver(app, session).retried == 1
    error = reload(session, message_id).last_error
    assert "40125" in error and "not-the-secret" not in error


def test_the_workers_job_delivers_with_the_saved_settings(app, session, fake):
    session.add(ChannelSettings(id=1, wechat_app_id=APP_ID, wechat_template_id=TEMPLATE_ID))
    message_id = queue(session)
    assert deliver_wechat() == {"wechat_sent": 1, "wechat_retried": 0, "wechat_failed": 0}
    assert reload(session, message_id).status == "sent" and len(fake.sent) == 1
