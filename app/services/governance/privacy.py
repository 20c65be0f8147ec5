"""Customers' personal data: kept no longer than needed, erased on request, given back as JSON.

Anonymising a response removes what could identify or quote the customer (their words, free-text
answers, the links to the invitation and the customer, the notes on its case) and keeps what the
metrics need (scores, categories, touchpoint, department, segment, times), so closure rates and
NPS history do not move when the words go. The timeline of a case is otherwise never edited;
anonymisation is the one exception, and it clears notes without removing the entries.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    Case,
    CaseEvent,
    Customer,
    Invitation,
    InvitationStatus,
    OutboxMessage,
    Response,
    ResponseTopic,
    TouchpointEvent,
)
from app.services.feedback.survey_versions import stored_definition

CLOSED_QUESTION_TYPES = {
    "nps", "csat", "ces", "rating", "single_choice", "multiple_choice", "yes_no"
}  # fmt: skip
UNSENT = (InvitationStatus.SCHEDULED, InvitationStatus.DEFERRED, InvitationStatus.SENT)


class UnknownCustomer(LookupError):
    """No customer has that external id."""


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if short)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def anonymise_expired(session: Session, *, now: datetime, months: int, limit: int = 500) -> int:
    """Anonymise up to `limit` responses submitted more than `months` ago; how many."""
    due = session.scalars(
        sa.select(Response.id)
        .where(Response.anonymised_at.is_(None), Response.submitted_at < months_before(now, months))
        .order_by(Response.submitted_at)
        .limit(limit)
    ).all()
    anonymise_responses(session, list(due), now=now)
    return len(due)


def anonymise_responses(session: Session, response_ids: list[int], *, now: datetime) -> None:
    """Remove the customer's words and identity from these responses and their cases."""
    if not response_ids:
        return
    _drop_free_text_answers(session, response_ids)
    session.execute(
        sa.update(Response)
        .where(Response.id.in_(response_ids))
        .values(comment="", customer_id=None, invitation_id=None, anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    # The topics stay counted; the words that gave them away were the customer's.
    session.execute(
        sa.update(ResponseTopic)
        .where(ResponseTopic.response_id.in_(response_ids))
        .values(evidence=[])
        .execution_options(synchronize_session=False)
    )
    cases = sa.select(Case.id).where(Case.response_id.in_(response_ids)).scalar_subquery()
    session.execute(
        sa.update(CaseEvent)
        .where(CaseEvent.case_id.in_(cases), CaseEvent.note != "")
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(Case)
        .where(Case.id.in_(cases))
        .values(resolution_summary="")
        .execution_options(synchronize_session=False)
    )


def _drop_free_text_answers(session: Session, response_ids: list[int]) -> None:
    """Delete every answer that is not to a closed question (text, "other, please say")."""
    versions = session.execute(
        sa.select(Response.survey_code, Response.survey_version)
        .where(Response.id.in_(response_ids))
        .distinct()
    ).all()
    for code, version in versions:
        definition = stored_definition(session, code, version)
        questions = definition.questions if definition else []
        closed = [q.id for q in questions if q.type in CLOSED_QUESTION_TYPES]
        of_version = sa.select(Response.id).where(
            Response.id.in_(response_ids),
            Response.survey_code == code,
            Response.survey_version == version,
        )
        session.execute(
            sa.delete(Answer).where(
                Answer.response_id.in_(of_version.scalar_subquery()),
                Answer.question_id.not_in(closed),
            )
        )


def _customer(session: Session, external_id: str) -> Customer:
    customer = session.scalar(sa.select(Customer).where(Customer.external_id == external_id))
    if customer is None:
        raise UnknownCustomer(f"no customer with external id {external_id!r}")
    return customer


def _responses_of(customer: Customer) -> sa.Select[tuple[Response]]:
    through_invitation = sa.select(Invitation.id).where(Invitation.customer_id == customer.id)
    return sa.select(Response).where(
        sa.or_(Response.customer_id == customer.id, Response.invitation_id.in_(through_invitation))
    )


def _messages_about(session: Session, customer: Customer) -> sa.ColumnElement[bool]:
    """Outbox messages to the customer, and staff notices and webhooks about their cases."""
    case_ids = session.scalars(
        sa.select(Case.id).where(
            Case.response_id.in_(sa.select(Response.id).where(Response.customer_id == customer.id))
        )
    ).all()
    event_ids = session.scalars(sa.select(CaseEvent.id).where(CaseEvent.case_id.in_(case_ids)))
    response_ids = session.scalars(
        sa.select(Response.id).where(Response.customer_id == customer.id)
    )
    about = [OutboxMessage.subject_key.like(f"case:{case_id}:%") for case_id in case_ids]
    about += [_webhook_call(f"case_event:{event_id}") for event_id in event_ids]
    about += [_webhook_call(f"response:{response_id}") for response_id in response_ids]
    return sa.or_(_to_them(customer), *about)


def _to_them(customer: Customer) -> sa.ColumnElement[bool]:
    """Messages to the customer: those of their invitations, and any to one of their
    addresses (e-mail, mobile, WeChat openid), whatever the channel."""
    theirs = [
        OutboxMessage.invitation_id.in_(
            sa.select(Invitation.id).where(Invitation.customer_id == customer.id)
        )
    ]
    if customer.email:
        theirs.append(sa.func.lower(OutboxMessage.recipient) == customer.email.lower())
    theirs += [
        OutboxMessage.recipient == address
        for address in (customer.mobile, customer.wechat_openid)
        if address
    ]
    return sa.or_(*theirs)


def _webhook_call(event: str) -> sa.ColumnElement[bool]:
    """The calls of one event: the environment's endpoint (`event`) and each other
    (`event@<endpoint id>`); not those of event 12 when erasing event 1."""
    key = OutboxMessage.subject_key
    return sa.or_(key == event, key.like(f"{event}@%"))


def erase_customer(session: Session, external_id: str, *, now: datetime) -> dict[str, int]:
    """Remove a customer's personal data everywhere; anonymous scores stay. What was erased."""
    customer = _customer(session, external_id)
    responses = [r.id for r in session.scalars(_responses_of(customer))]
    outbox = session.execute(sa.delete(OutboxMessage).where(_messages_about(session, customer)))
    anonymise_responses(session, responses, now=now)
    stopped = session.execute(
        sa.update(Invitation)
        .where(Invitation.customer_id == customer.id, Invitation.status.in_(UNSENT))
        .values(status=InvitationStatus.SUPPRESSED, reason="customer erased")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(Invitation)
        .where(Invitation.customer_id == customer.id)
        .values(draft=None, draft_saved_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(TouchpointEvent)
        .where(TouchpointEvent.customer_id == customer.id)
        .values(attributes={})
        .execution_options(synchronize_session=False)
    )
    customer.external_id, customer.name, customer.email = f"erased:{customer.id}", "", None
    customer.mobile = customer.wechat_openid = customer.preferred_channel = None
    customer.opted_out_at = customer.opted_out_at or now
    session.flush()
    return {
        "customer": customer.id,
        "responses": len(responses),
        "outbox_messages": outbox.rowcount,
        "invitations_stopped": stopped.rowcount,
    }


def export_customer(session: Session, external_id: str) -> tuple[int, dict[str, Any]]:
    """The customer's id and everything Touchloop holds about them, as JSON-ready values."""
    customer = _customer(session, external_id)
    responses = session.scalars(_responses_of(customer).order_by(Response.submitted_at)).all()
    cases = session.scalars(
        sa.select(Case).where(Case.response_id.in_([r.id for r in responses])).order_by(Case.id)
    ).all()
    events = session.scalars(
        sa.select(TouchpointEvent)
        .where(TouchpointEvent.customer_id == customer.id)
        .order_by(TouchpointEvent.occurred_at)
    ).all()
    invitations = session.scalars(
        sa.select(Invitation).where(Invitation.customer_id == customer.id).order_by(Invitation.id)
    ).all()
    messages = session.scalars(
        sa.select(OutboxMessage).where(_to_them(customer)).order_by(OutboxMessage.id)
    ).all()
    return customer.id, {
        "customer": {
            "external_id": customer.external_id,
            "name": customer.name,
            "email": customer.email,
            "mobile": customer.mobile,
            "wechat_openid": customer.wechat_openid,
            "preferred_channel": customer.preferred_channel,
            "locale": customer.locale,
            "segment": customer.segment,
            "timezone": customer.timezone,
            "created_at": _iso(customer.created_at),
            "opted_out_at": _iso(customer.opted_out_at),
        },
        "events": [
            {
                "event_id": e.event_id,
                "touchpoint": e.touchpoint.code,
                "occurred_at": _iso(e.occurred_at),
                "attributes": e.attributes,
            }
            for e in events
        ],
        "invitations": [
            {
                "touchpoint": i.touchpoint.code,
                "status": i.status,
                "channel": i.channel,
                "sent_at": _iso(i.sent_at),
                "answered_at": _iso(i.answered_at),
                "expires_at": _iso(i.expires_at),
            }
            for i in invitations
        ],
        "responses": [
            {
                "survey": f"{r.survey_code}.v{r.survey_version}",
                "touchpoint": r.touchpoint.code,
                "submitted_at": _iso(r.submitted_at),
                "nps": r.nps,
                "csat": r.csat,
                "ces": r.ces,
                "comment": r.comment,
                "consent_to_contact": r.consent_to_contact,
                "answers": {a.question_id: a.value for a in r.answers},
            }
            for r in responses
        ],
        "cases": [
            {
                "id": c.id,
                "status": c.status,
                "opened_at": _iso(c.opened_at),
                "closed_at": _iso(c.closed_at),
                "resolution_summary": c.resolution_summary,
                "timeline": [
                    {"at": _iso(e.at), "kind": e.kind, "to_status": e.to_status, "note": e.note}
                    for e in c.events
                ],
            }
            for c in cases
        ],
        "messages": [
            {
                "kind": m.kind,
                "channel": m.channel,
                "recipient": m.recipient,
                "subject": m.subject,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in messages
        ],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
