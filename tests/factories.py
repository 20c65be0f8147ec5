"""factory_boy factories: a test names only what it is about."""

from __future__ import annotations

from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import (
    Customer,
    Department,
    Invitation,
    InvitationStatus,
    SurveyLink,
    Touchpoint,
    TouchpointEvent,
    User,
    utcnow,
)
from app.services.distribution.links import link_for_invitation
from app.services.feedback.responses import record_response
from app.services.feedback.survey_versions import sync_surveys
from surveys.tokens import new_token, token_digest

PASSWORD = "correct horse battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class DepartmentFactory(_Base):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept_{n}")
    name = factory.Sequence(lambda n: f"Department {n}")
    name_zh = "部门"


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@bank.example.com")
    password_hash = _PASSWORD_HASH
    role = "staff"
    department = factory.SubFactory(DepartmentFactory)


class CustomerFactory(_Base):
    class Meta:
        model = Customer

    external_id = factory.Sequence(lambda n: f"C{n:06d}")
    name = "Mei Chen"
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    locale = "en"
    segment = "mass"


class TouchpointFactory(_Base):
    class Meta:
        model = Touchpoint

    code = factory.Sequence(lambda n: f"touchpoint_{n}")
    name = "Branch visit"
    name_zh = "网点到访"
    journey_stage = "everyday_banking"
    department = factory.SubFactory(DepartmentFactory)
    survey_code = "touchpoint_nps"
    delay_minutes = 0


class EventFactory(_Base):
    class Meta:
        model = TouchpointEvent

    event_id = factory.Sequence(lambda n: f"evt-{n}")
    touchpoint = factory.SubFactory(TouchpointFactory)
    customer = factory.SubFactory(CustomerFactory)
    occurred_at = factory.LazyFunction(utcnow)
    received_at = factory.LazyFunction(utcnow)
    attributes = factory.LazyFunction(lambda: {"branch": "Central"})


WENT_OUT = (InvitationStatus.SENT, InvitationStatus.ANSWERED)


class InvitationFactory(_Base):
    """A sent invitation, ready to be answered (`survey_link` gives it a working link)."""

    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    customer = factory.SelfAttribute("event.customer")
    touchpoint = factory.SelfAttribute("event.touchpoint")
    status = InvitationStatus.SENT
    send_after = factory.LazyFunction(utcnow)
    # Only an invitation that went out has a send time (the sender claims those without one).
    sent_at = factory.LazyAttribute(lambda o: utcnow() if o.status in WENT_OUT else None)
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=14))


def scheduled_invitations(session, count, **fields):  # type: ignore[no-untyped-def]
    """Commit `count` invitations waiting for the send job."""
    sync_surveys(session)
    for _ in range(count):
        InvitationFactory(status="scheduled", **fields)
    session.commit()


def survey_link(secret_key: str, invitation: Invitation) -> str:
    """A working `/s/<token>` path for an invitation, stored as the app stores links."""
    token = new_token(secret_key, invitation.id)
    db.session.add(SurveyLink(invitation_id=invitation.id, token_hash=token_digest(token)))
    db.session.flush()
    return f"/s/{token}"


def answer(session, invitation, answers, *, now=None) -> int:
    """Record `answers` to `invitation` as its link's submit would; the response's id."""
    link = link_for_invitation(session, invitation.id)
    return record_response(session, link, answers, language="en", now=now or utcnow())
