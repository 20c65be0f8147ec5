"""The development outbox: survey e-mails with a link to answer, the invitations that still wait
with why and when, and "send now", which only development has and which goes through the
outbox like any e-mail."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.models import Invitation, InvitationStatus, OutboxMessage, SurveyLink, utcnow
from app.services.feedback.survey_versions import sync_surveys
from tests.conftest import FreshContextClient, app_config, csrf_token
from tests.factories import CustomerFactory, InvitationFactory, TouchpointFactory

QUIET = "deferred: quiet hours in Asia/Shanghai"


@pytest.fixture
def dev(app):
    """A client of the app as `make run` serves it: development, with the outbox page."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    served = create_app(app_config(url, DEVELOPMENT=True, DEV_OUTBOX_PAGE=True))
    served.test_client_class = FreshContextClient
    yield served.test_client()
    with served.app_context():
        db.engine.dispose()


def waiting(session, *, reason=QUIET, hours=6, **customer):
    """An invitation the contact rules deferred to `hours` from now."""
    sync_surveys(session)
    invitation = InvitationFactory(
        status=InvitationStatus.DEFERRED,
        sent_at=None,
        reason=reason,
        send_after=utcnow() + timedelta(hours=hours),
        event__customer=CustomerFactory(timezone="Asia/Shanghai", name="Wang Fang", **customer),
        event__touchpoint=TouchpointFactory(name="Loan approval", code="loan_approval"),
    )
    session.commit()
    return invitation


def page_of(dev, lang="en"):
    return dev.get(f"/dev/outbox?lang={lang}").get_data(as_text=True)


def send_now(dev, invitation):
    token = csrf_token(page_of(dev))
    return dev.post("/dev/outbox/send", data={"csrf_token": token, "invitation_id": invitation.id})


def test_each_waiting_invitation_says_why_and_when_it_goes(dev, session):
    invitation = waiting(session)
    later = InvitationFactory(
        status=InvitationStatus.SCHEDULED,
        sent_at=None,
        send_after=utcnow() + timedelta(hours=10),
        event__touchpoint=TouchpointFactory(name="Card activation", send_at_local_time="09:30"),
    )
    session.commit()
    page = page_of(dev)
    assert "Wang Fang" in page and "Loan approval" in page
    assert "quiet hours where the customer lives (Asia/Shanghai)" in page
    assert "Card activation surveys go out at 09:30 on the customer&#39;s clock" in page
    due = invitation.send_after.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{due:%H:%M} for the customer, in Asia/Shanghai" in page
    assert later.touchpoint.name in page
    assert "UTC+8" in page and "(in 6 h)" in page
    assert "deferred:" not in page and "loan_approval" not in page  # words, never codes
    chinese = page_of(dev, "zh_CN")
    assert '<html lang="zh-CN">' in chinese
    assert "deferred:" not in chinese and "loan_approval" not in chinese


def test_send_now_sends_one_invitation_through_the_outbox(dev, session):
    invitation = waiting(session)
    answer = send_now(dev, invitation)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/dev/outbox#surveys")
    session.expire_all()
    sent = session.get(Invitation, invitation.id)
    assert (sent.status, sent.reason) == (InvitationStatus.SENT, "")
    [message] = session.scalars(sa.select(OutboxMessage)).all()
    assert (message.kind, message.status, message.recipient) == (
        "invitation", "pending", sent.customer.email,
    )  # fmt: skip
    assert session.scalar(sa.select(SurveyLink).where(SurveyLink.invitation_id == sent.id))
    shown = dev.get("/dev/outbox").get_data(as_text=True)
    assert "Sent now" in shown and "Answer as the customer" in shown and 'href="/s/' in shown


def test_send_now_still_honours_an_opt_out(dev, session):
    invitation = waiting(session, opted_out_at=utcnow())
    send_now(dev, invitation)
    session.expire_all()
    assert session.get(Invitation, invitation.id).status == InvitationStatus.SUPPRESSED
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert "Not sent: " in dev.get("/dev/outbox").get_data(as_text=True)


def test_send_now_is_refused_without_the_csrf_token(dev, session):
    invitation = waiting(session)
    answer = dev.post("/dev/outbox/send", data={"invitation_id": invitation.id})
    assert answer.status_code == 400
    session.expire_all()
    assert session.get(Invitation, invitation.id).status == InvitationStatus.DEFERRED
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_outside_development_there_is_no_outbox_page_and_no_send_now(app, client, session):
    invitation = waiting(session)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not {"dev.outbox", "dev.send_invitation_now"} & endpoints
    assert client.get("/dev/outbox").status_code == 404
    assert client.post("/dev/outbox/send", data={"invitation_id": invitation.id}).status_code in (
        400, 404,
    )  # fmt: skip
    session.expire_all()
    assert session.get(Invitation, invitation.id).status == InvitationStatus.DEFERRED


def test_survey_e_mails_come_first_each_with_its_link(dev, session):
    invitation = waiting(session, hours=0)
    send_now(dev, invitation)
    page = page_of(dev)
    assert page.index('id="surveys"') < page.index('id="waiting"') < page.index('id="staff"')
    path = page.split('href="/s/', 1)[1].split('"', 1)[0]
    assert dev.get(f"/s/{path}").status_code == 200  # the customer's survey opens
