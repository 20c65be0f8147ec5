"""The contact rules an admin keeps: fatigue by segment and quiet hours decide the next send run;
invitations already waiting or in flight are never lost to a change."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import ContactRules, Invitation, OutboxMessage, utcnow
from app.services.distribution.contact_settings import contact_policy, save_contact_rules
from app.services.distribution.invitations import Links, claim_due_invitations, dispatch_invitation
from app.worker.jobs import send_invitations
from tests.app.conftest import row_counts
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, EventFactory, InvitationFactory
from workflows.contact_rules import ContactPolicy, after_quiet_hours

URL = "/admin/contact-rules"
NO_QUIET_HOURS = {"quiet_start": "00:00", "quiet_end": "00:00"}
RULES = {"default_fatigue_days": "30", "fatigue_vip": "60", "default_cooldown_days": "30"}


def save(client, **fields):
    token = csrf_token(client.get(URL).get_data(as_text=True))
    return client.post(URL, data={"csrf_token": token, **RULES, **NO_QUIET_HOURS, **fields})


def waiting(customer, **fields):
    """An invitation for this customer, due now unless said otherwise."""
    event = EventFactory(customer=customer)
    return InvitationFactory(event=event, **{"status": "scheduled", "sent_at": None, **fields})


def surveyed(customer, days_ago):
    return waiting(customer, status="sent", sent_at=utcnow() - timedelta(days=days_ago))


def reload(session, invitation):
    session.expire_all()
    return session.get(Invitation, invitation.id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"default_fatigue_days": ""}, "This field is required."),
        ({"default_fatigue_days": "-1"}, "Between 0 and 365 days."),
        ({"fatigue_mass": "400"}, "Between 0 and 365 days."),
        ({"fatigue_private": "1e999"}, "Not a valid integer value."),
        ({"quiet_start": "25:00"}, "Use HH:MM."),
        ({"quiet_end": "8"}, "Use HH:MM."),
        ({"default_cooldown_days": "x"}, "Not a valid integer value."),
    ],
)
def test_a_wrong_value_is_explained_beside_its_field_and_nothing_is_saved(
    client, session, admin, fields, message
):
    before = row_counts(session)
    answer = save(client, **fields)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    after_field = page[page.index(f'id="{next(iter(fields))}"') :]
    next_control = min(
        i for i in (after_field.find("<input", 1), after_field.find("</fieldset>")) if i > 0
    )
    assert 0 < after_field.find(message) < next_control
    assert row_counts(session) == before


def test_with_nothing_saved_the_environments_rules_apply(app, client, session, admin, monkeypatch):
    environment = ContactPolicy(
        default_fatigue_days=12, fatigue_days={"vip": 70}, quiet_start=time(0), quiet_end=time(0)
    )
    monkeypatch.setitem(app.config, "CONTACT_POLICY", environment)
    page = client.get(URL).get_data(as_text=True)
    assert "come from the environment (FATIGUE_DAYS, QUIET_HOURS)" in page
    assert re.search(r'id="default_fatigue_days"[^>]* value="12"', page)
    assert re.search(r'id="fatigue_vip"[^>]* value="70"', page)
    assert "The same start and end mean no quiet hours." in page
    customer = CustomerFactory(segment="mass")
    surveyed(customer, days_ago=10)
    held = waiting(customer)
    session.commit()
    assert send_invitations()["deferred"] == 1
    assert reload(session, held).reason == "deferred: surveyed within 12 days (mass customers)"


def test_saved_fatigue_decides_the_next_send_run(client, session, admin):
    customer = CustomerFactory(segment="mass")
    surveyed(customer, days_ago=40)  # the environment's 30 days for mass customers are over
    held = waiting(customer)
    session.commit()
    assert save(client, fatigue_mass="45").status_code == 302
    assert send_invitations()["deferred"] == 1
    invitation = reload(session, held)
    assert invitation.status == "deferred"
    assert invitation.reason == "deferred: surveyed within 45 days (mass customers)"
    assert invitation.send_after > utcnow() + timedelta(days=4)


def test_saved_quiet_hours_defer_the_next_run_to_their_end(client, session, admin):
    """Quiet from an hour ago to an hour from now in the customer's zone (it may cross midnight)."""
    customer = CustomerFactory(segment="mass", timezone="Asia/Shanghai")
    held = waiting(customer)
    session.commit()
    local = utcnow().astimezone(ZoneInfo("Asia/Shanghai"))
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    save(client, quiet_start=f"{start:%H:%M}", quiet_end=f"{end:%H:%M}")
    assert send_invitations()["deferred"] == 1
    invitation = reload(session, held)
    assert invitation.reason == "deferred: quiet hours in Asia/Shanghai"
    assert f"{invitation.send_after.astimezone(ZoneInfo('Asia/Shanghai')):%H:%M}" == f"{end:%H:%M}"


def test_a_deferral_made_under_the_old_rules_is_judged_again_under_the_new(client, session, admin):
    customer = CustomerFactory(segment="vip")
    surveyed(customer, days_ago=50)
    held = waiting(customer)
    session.commit()
    assert send_invitations()["deferred"] == 1  # vip: 60 days (the environment's rules)
    assert reload(session, held).send_after > utcnow() + timedelta(days=9)

    answer = save(client, fatigue_vip="30")
    page = client.get(URL).get_data(as_text=True)
    assert answer.status_code == 302
    assert "1 deferred invitation will be judged again under the new rules." in page
    assert send_invitations()["invitations_sent"] == 1
    assert reload(session, held).status == "sent"


def test_an_invitation_in_flight_when_the_rules_change_is_not_lost(app, client, session, admin):
    """A worker claimed it under the old rules; the admin makes every hour quiet meanwhile."""
    in_flight = waiting(CustomerFactory())
    session.commit()
    policy = contact_policy(session, default=app.config["CONTACT_POLICY"])
    claimed = claim_due_invitations(session, now=utcnow())
    session.commit()
    assert claimed == [in_flight.id]
    later = waiting(CustomerFactory())
    session.commit()
    local = utcnow().astimezone(ZoneInfo("Asia/Shanghai"))
    save(client, quiet_start=f"{local - timedelta(hours=1):%H:%M}",
         quiet_end=f"{local + timedelta(hours=2):%H:%M}")  # fmt: skip

    links = Links(app.config["SECRET_KEY"], app.config["BASE_URL"])
    dispatch_invitation(session, in_flight.id, links=links, policy=policy, now=utcnow())
    session.commit()
    assert reload(session, in_flight).status == "sent"
    queued = session.scalars(sa.select(OutboxMessage.subject_key)).all()
    assert queued == [f"invitation:{in_flight.id}"]
    assert send_invitations() == {"invitations_sent": 0, "deferred": 1, "suppressed": 0,
                                  "expired": 0}  # fmt: skip
    assert reload(session, later).reason == "deferred: quiet hours in Asia/Shanghai"


def test_the_page_shows_who_changed_what_and_keeps_the_saved_values(client, session, admin):
    save(client, fatigue_business="14", default_cooldown_days="21", quiet_start="22:00",
         quiet_end="07:30")  # fmt: skip
    save(client, fatigue_business="10", default_cooldown_days="21", quiet_start="22:00",
         quiet_end="07:30")  # fmt: skip
    page = client.get(URL).get_data(as_text=True)
    assert "Saved here; last changed" in page and "by admin@bank.example.com" in page
    assert "Business: 14, VIP: 60 → Business: 10, VIP: 60" in page  # segments in words
    assert 'value="21"' in page and 'value="07:30"' in page
    rules = session.get(ContactRules, 1)
    assert rules.fatigue_days == {"vip": 60, "business": 10}
    assert contact_policy(session, default=ContactPolicy()) == ContactPolicy(
        fatigue_days={"vip": 60, "business": 10},
        default_fatigue_days=30,
        quiet_start=time(22, 0),
        quiet_end=time(7, 30),
    )


def test_a_cooldown_only_change_leaves_deferred_invitations_as_they_are(session):
    """New touchpoints' cooldown decides nothing about invitations already made."""
    values = {"default_fatigue_days": 30, "fatigue_days": {}, "quiet_start": "21:00",
              "quiet_end": "08:00", "default_cooldown_days": 30}  # fmt: skip
    save_contact_rules(session, values, actor="user:1", now=utcnow())
    due = utcnow() + timedelta(days=3)
    deferred = waiting(CustomerFactory(), status="deferred", send_after=due)
    session.commit()
    changed = {**values, "default_cooldown_days": 10}
    assert save_contact_rules(session, changed, actor="user:1", now=utcnow()) == 0
    assert reload(session, deferred).send_after == due
    assert save_contact_rules(session, {**changed, "quiet_end": "07:00"}, actor="user:1",
                              now=utcnow()) == 1  # fmt: skip


def test_quiet_hours_equal_at_start_and_end_mean_none(session):
    """The page says so; the rule it feeds agrees (an invitation at 23:30 local is sent)."""
    values = {"default_fatigue_days": 30, "fatigue_days": {}, "quiet_start": "23:00",
              "quiet_end": "23:00", "default_cooldown_days": 30}  # fmt: skip
    save_contact_rules(session, values, actor="user:1", now=utcnow())
    policy = contact_policy(session, default=ContactPolicy())
    moment = datetime(2026, 3, 9, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert after_quiet_hours(moment, "Asia/Shanghai", policy) == moment
