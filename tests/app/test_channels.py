"""Invitations by the touchpoint's channels: the first that reaches the customer, the next one
when no receipt comes, one contact policy across all of them, and SMS's short links."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.models import ChannelSettings, Invitation, OutboxMessage, utcnow
from app.services.distribution.events import CustomerIn, EventIn, ingest_events
from app.services.distribution.fallback import claim_undelivered, fall_back
from app.services.distribution.invitations import Links
from app.services.distribution.receipts import record_receipt
from app.services.feedback.survey_versions import sync_surveys
from app.web.reasons import reason_words
from app.worker.jobs import fall_back_undelivered, send_invitations
from tests.factories import CustomerFactory, EventFactory, InvitationFactory, TouchpointFactory

MOBILE = "+8613800138000"


@pytest.fixture
def sms_on(session):
    """SMS set up through the bank's own HTTP platform; receipts due within 30 minutes."""
    sync_surveys(session)
    session.add(
        ChannelSettings(
            id=1,
            sms_provider="http",
            sms_signature="【翠港银行】",
            sms_http_url="http://127.0.0.1:9/sms",
            receipt_wait_minutes=30,
        )
    )
    session.commit()


def waiting(customer, channels=("sms", "email"), **touchpoint):
    event = EventFactory(
        customer=customer, touchpoint=TouchpointFactory(channels=list(channels), **touchpoint)
    )
    return InvitationFactory(event=event, status="scheduled", sent_at=None)


def reload(session, row):
    session.expire_all()
    return session.get(type(row), row.id)


def messages(session, invitation):
    return session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.invitation_id == invitation.id)
        .order_by(OutboxMessage.id)
    ).all()


def test_the_first_channel_that_reaches_the_customer_carries_a_short_link(app, session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE, locale="zh_CN"))
    session.commit()
    assert send_invitations()["invitations_sent"] == 1
    sent = reload(session, invitation)
    assert (sent.status, sent.channel) == ("sent", "sms")
    assert sent.delivery_due_at == pytest.approx(
        sent.sent_at + timedelta(minutes=30), abs=timedelta(seconds=5)
    )
    [sms] = messages(session, invitation)
    assert (sms.channel, sms.recipient) == ("sms", MOBILE)
    assert sms.body_text.startswith("【翠港银行】")
    link = next(word for word in sms.body_text.split() if "/r/" in word)
    link = link[link.index("http") :].rstrip("，。,")
    assert len(urlsplit(link).path) <= 10  # "/r/" and a 7-character code
    assert app.test_client().get(urlsplit(link).path).status_code == 200


def test_without_a_mobile_the_next_channel_is_used(session, sms_on):
    invitation = waiting(CustomerFactory(mobile=None))
    session.commit()
    send_invitations()
    assert reload(session, invitation).channel == "email"
    assert [m.channel for m in messages(session, invitation)] == ["email"]


def test_with_no_address_for_any_channel_nothing_is_sent_and_the_page_says_why(
    app, session, sms_on
):
    invitation = waiting(CustomerFactory(mobile=None, email=None))
    session.commit()
    assert send_invitations()["suppressed"] == 1
    held = reload(session, invitation)
    assert held.reason == "customer has no mobile number or e-mail address"
    with app.test_request_context():
        assert reason_words(held.reason) == "the customer has no mobile number or e-mail address"


def test_an_sms_without_a_receipt_falls_back_to_e_mail_once(app, session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE))
    session.commit()
    send_invitations()
    assert fall_back_undelivered() == {}  # the receipt is not due yet
    sent = reload(session, invitation)
    sent.delivery_due_at = utcnow() - timedelta(seconds=1)
    session.commit()

    assert fall_back_undelivered() == {"fell_back_to_email": 1}
    moved = reload(session, invitation)
    assert (moved.channel, moved.channels_tried, moved.reason) == (
        "email",
        ["sms"],
        "sms not delivered",
    )
    sms, email = messages(session, invitation)
    assert (sms.status, email.status, email.channel) == ("cancelled", "pending", "email")
    assert moved.delivery_due_at is None  # e-mail has no receipts to wait for
    assert fall_back_undelivered() == {}


def test_a_receipt_stops_the_fallback_and_a_late_failure_report_changes_nothing(session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE))
    session.commit()
    send_invitations()
    [sms] = messages(session, invitation)
    sms.status, sms.provider_ref = "sent", "ref-1"
    session.commit()
    now = utcnow()
    assert record_receipt(session, channel="sms", provider_ref="ref-1", delivered=True, now=now)
    assert not record_receipt(
        session, channel="sms", provider_ref="unknown", delivered=True, now=now
    )
    assert record_receipt(session, channel="sms", provider_ref="ref-1", delivered=False, now=now)
    session.commit()
    assert reload(session, sms).delivery_status == "delivered"
    assert reload(session, invitation).delivery_due_at is None
    assert claim_undelivered(session, now=now + timedelta(hours=1)) == []


def test_an_undelivered_receipt_makes_the_next_channel_due_at_once(session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE))
    session.commit()
    send_invitations()
    [sms] = messages(session, invitation)
    sms.status, sms.provider_ref = "sent", "ref-2"
    session.commit()
    record_receipt(
        session, channel="sms", provider_ref="ref-2", delivered=False, detail="absent", now=utcnow()
    )
    session.commit()
    assert fall_back_undelivered() == {"fell_back_to_email": 1}


def test_when_every_channel_failed_the_invitation_says_so(app, session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE, email=None))
    session.commit()
    send_invitations()
    sent = reload(session, invitation)
    sent.delivery_due_at = utcnow()
    session.commit()
    links = Links.of(app.config)
    assert (
        fall_back(session, invitation.id, links=links, now=utcnow() + timedelta(seconds=1)) is None
    )
    session.commit()
    assert reload(session, invitation).reason == "no channel delivered (tried sms)"


def test_the_fatigue_rule_holds_across_channels(session, sms_on):
    customer = CustomerFactory(mobile=MOBILE)
    by_sms = waiting(customer)
    session.commit()
    send_invitations()
    assert reload(session, by_sms).channel == "sms"
    by_email = waiting(customer, channels=("email",))
    session.commit()
    assert send_invitations()["expired"] == 1  # it could only go after it closes
    held = reload(session, by_email)
    assert (held.status, held.channel) == ("expired", None)
    assert "surveyed within 30 days" in held.reason


def test_the_customers_preference_wins_among_the_touchpoints_channels(session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE, preferred_channel="email"))
    session.commit()
    send_invitations()
    assert reload(session, invitation).channel == "email"


def test_an_sms_link_is_single_use_like_any_survey_link(app, session, sms_on):
    invitation = waiting(CustomerFactory(mobile=MOBILE))
    session.commit()
    send_invitations()
    [sms] = messages(session, invitation)
    path = urlsplit(sms.body_text[sms.body_text.index("http") :].split()[0].rstrip("，。,")).path
    client = app.test_client()
    page = client.get(path)
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(path, data={"csrf_token": token, "nps": "9"}).status_code == 200
    assert client.get(path).status_code == 409
    assert client.get("/r/AAAAAAA").status_code == 404


def test_an_event_from_the_bank_goes_by_the_touchpoints_channels(session, sms_on):
    """Invitations planned in bulk (one INSERT … SELECT on PostgreSQL) have tried nothing yet."""
    TouchpointFactory(code="loan_approved", channels=["sms", "email"])
    session.commit()
    customer = CustomerIn("C-1", "mei@example.com", mobile=MOBILE)
    [result] = ingest_events(
        session, [EventIn("e-1", "loan_approved", customer, utcnow())], now=utcnow()
    )
    session.commit()
    assert send_invitations()["invitations_sent"] == 1
    assert session.get(Invitation, result.invitation_id).channel == "sms"
