"""Distribution end to end in the database: contact rules, reminders and opt-out."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Customer, Invitation, OutboxMessage, utcnow
from app.services.feedback.survey_versions import sync_surveys
from app.worker.jobs import deliver_outbox, send_invitations, send_reminders
from surveys.tokens import unsubscribe_token
from tests.conftest import body_of
from tests.factories import CustomerFactory, EventFactory, InvitationFactory, TouchpointFactory


@pytest.fixture
def customer(session):
    sync_surveys(session)
    return CustomerFactory(segment="mass")


def waiting(customer, touchpoint=None, **fields):
    """A scheduled invitation for this customer, due now."""
    event = EventFactory(customer=customer, touchpoint=touchpoint or TouchpointFactory())
    return InvitationFactory(event=event, **{"status": "scheduled", "sent_at": None, **fields})


def reload(session, invitation):
    session.expire_all()
    return session.get(Invitation, invitation.id)


def test_a_customer_surveyed_recently_is_deferred_with_the_reason(session, customer):
    waiting(customer, status="sent", sent_at=utcnow() - timedelta(days=20))
    later = waiting(customer)
    session.commit()
    assert send_invitations()["deferred"] == 1
    deferred = reload(session, later)
    assert deferred.status == "deferred"
    assert "surveyed within 30 days" in deferred.reason
    assert deferred.send_after > utcnow() + timedelta(days=9)


def test_a_complaint_survey_is_sent_despite_fatigue(session, customer):
    waiting(customer, status="sent", sent_at=utcnow() - timedelta(days=2))
    complaint = waiting(
        customer, TouchpointFactory(code="complaint_resolution", overrides_fatigue=True)
    )
    session.commit()
    assert send_invitations()["invitations_sent"] == 1
    assert reload(session, complaint).status == "sent"


def test_the_higher_priority_invitation_goes_first_and_the_other_waits(session, customer):
    branch = waiting(customer, TouchpointFactory(priority=30))
    complaint = waiting(customer, TouchpointFactory(priority=90))
    session.commit()
    send_invitations()
    assert reload(session, complaint).status == "sent"
    held = reload(session, branch)
    assert held.status == "deferred" and "higher-priority" in held.reason
    held.send_after = utcnow() - timedelta(seconds=1)
    session.commit()
    send_invitations()
    assert "surveyed within" in reload(session, branch).reason  # now the fatigue rule holds it


def test_out_of_order_events_for_one_customer_still_ask_once(session, customer):
    touchpoint = TouchpointFactory()
    late_arrival = waiting(customer, touchpoint)
    late_arrival.event.occurred_at = utcnow() - timedelta(hours=5)
    first_arrival = waiting(customer, touchpoint)
    session.commit()
    send_invitations()
    statuses = sorted(reload(session, i).status for i in (late_arrival, first_arrival))
    assert statuses == ["deferred", "sent"] or statuses == ["expired", "sent"]


def test_two_workers_never_ask_one_customer_twice_at_once(app, session, customer):
    for _ in range(6):
        waiting(customer)
    session.commit()
    errors = []

    def worker():
        with app.app_context():
            try:
                send_invitations()
            except Exception as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sent = session.scalar(sa.select(sa.func.count()).where(Invitation.status == "sent"))
    assert sent == 1


def test_unsubscribing_is_one_click_and_every_later_ask_is_suppressed(
    app, client, session, customer
):
    session.commit()
    url = f"/u/{unsubscribe_token(app.config['SECRET_KEY'], customer.id)}"
    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Customer, customer.id).opted_out_at is None  # a GET changes nothing
    one_click = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    complaint = waiting(customer, TouchpointFactory(overrides_fatigue=True))
    session.commit()
    send_invitations()
    suppressed = reload(session, complaint)
    assert (suppressed.status, suppressed.reason) == ("suppressed", "customer opted out of surveys")


def test_a_forged_unsubscribe_link_is_a_404(app, client):
    assert client.get("/u/forged-token").status_code == 404
    assert client.post(f"/u/{unsubscribe_token('another-secret', 1)}").status_code == 404


def test_reminders_follow_the_schedule_and_each_carries_a_working_link(
    app, client, session, customer
):
    invitation = waiting(customer, TouchpointFactory(reminder_hours=[48, 96]))
    session.commit()
    send_invitations()
    assert send_reminders()["reminders_sent"] == 0  # not due yet
    for expected in (1, 2):
        due = reload(session, invitation)
        due.next_reminder_at = utcnow() - timedelta(seconds=1)
        session.commit()
        assert send_reminders()["reminders_sent"] == 1
        assert reload(session, invitation).reminders_sent == expected
    assert reload(session, invitation).next_reminder_at is None  # the schedule is used up
    reminder = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id)
    ).first()
    path = reminder.body_text.split("http://localhost", 1)[1].split()[0]
    assert client.get(path).status_code == 200


def test_reminders_stop_on_answer_expiry_and_opt_out(session, customer):
    touchpoint = TouchpointFactory(reminder_hours=[1])
    due = utcnow() - timedelta(minutes=1)
    answered = waiting(customer, touchpoint, status="answered", next_reminder_at=due)
    expired = waiting(
        CustomerFactory(), touchpoint, status="sent", next_reminder_at=due, expires_at=due
    )
    opted = CustomerFactory(opted_out_at=utcnow())
    unwanted = waiting(opted, touchpoint, status="sent", next_reminder_at=due)
    session.commit()
    assert send_reminders()["reminders_sent"] == 0
    assert reload(session, answered).next_reminder_at is not None  # never picked up
    assert reload(session, expired).status == "expired"
    assert reload(session, unwanted).next_reminder_at is None
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_every_email_carries_a_one_click_unsubscribe(mail_app, session, smtp_server, customer):
    waiting(CustomerFactory(locale="zh_CN"))
    session.commit()
    send_invitations()
    deliver_outbox()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe"].startswith("<http://localhost/u/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "退订" in body_of(message) and "/u/" in body_of(message, "html")
