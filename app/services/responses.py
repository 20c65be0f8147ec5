"""Recording a customer's answers: once per invitation, with the grouping facts copied.

Drafts keep a half-answered survey on the server, so a customer who leaves and comes back
finds what they had given, until they submit or the link expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Invitation, InvitationStatus, Response, RoutingStatus, Survey
from app.services.surveys import current_survey, definition_of
from surveys.scoring import score_response

FOLLOWUP_SURVEY = "case_followup"
# The hot path of every survey submit, built once on the tables (Core, not the ORM's bulk
# machinery, which costs about a millisecond a statement here); parameters are bound per call.
INSERT_RESPONSE = sa.insert(Response.__table__).returning(Response.__table__.c.id)
INSERT_ANSWERS = sa.insert(Answer.__table__)
_invitation = Invitation.__table__.c
# Single use: only a link still "sent" becomes "answered"; a second submit changes no row.
CLAIM_ANSWER = (
    sa.update(Invitation.__table__)
    .where(
        _invitation.id == sa.bindparam("invitation_id"),
        _invitation.status == InvitationStatus.SENT,
    )
    .values(status=InvitationStatus.ANSWERED, answered_at=sa.bindparam("answered_at"), draft=None)
)


class LinkUnusable(Exception):
    """The link cannot take an answer; `reason` is `answered` or `expired`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_answerable(invitation: Invitation, now: datetime) -> None:
    """Raise LinkUnusable unless the invitation can still be answered."""
    if invitation.status == InvitationStatus.ANSWERED:
        raise LinkUnusable("answered")
    if invitation.status != InvitationStatus.SENT or (
        invitation.expires_at is not None and invitation.expires_at <= now
    ):
        raise LinkUnusable("expired")


def survey_for(session: Session, invitation: Invitation) -> Survey:
    """The version this invitation asks: the one pinned when it was sent, else the newest."""
    return invitation.survey or current_survey(session, survey_code_for(invitation))


def survey_code_for(invitation: Invitation) -> str:
    """A case's follow-up asks the follow-up survey; an event asks its touchpoint's survey."""
    return FOLLOWUP_SURVEY if invitation.case_id else invitation.touchpoint.survey_code


def save_draft(invitation: Invitation, formdata: dict[str, list[str]], *, now: datetime) -> None:
    """Keep what the customer has entered so far; the CSRF token is not worth keeping."""
    check_answerable(invitation, now)
    invitation.draft = {k: v for k, v in formdata.items() if k != "csrf_token"}
    invitation.draft_saved_at = now


def record_response(
    session: Session,
    invitation: Invitation,
    answers: dict[str, Any],
    *,
    language: str,
    now: datetime,
) -> int:
    """Store the response and return its id; a second submit of the link raises LinkUnusable.

    `answers` are the visible questions' answers, keyed by question id, as the form cleaned them.
    """
    check_answerable(invitation, now)
    claimed = session.execute(CLAIM_ANSWER, {"invitation_id": invitation.id, "answered_at": now})
    if claimed.rowcount != 1:
        raise LinkUnusable("answered")
    survey = survey_for(session, invitation)
    definition = definition_of(survey)
    scores = score_response(definition, answers)
    touchpoint = invitation.touchpoint
    # One statement for the response and one for all its answers.
    response_id = session.execute(
        INSERT_RESPONSE,
        dict(
            invitation_id=None if definition.anonymous else invitation.id,
            customer_id=None if definition.anonymous else invitation.customer_id,
            survey_code=survey.code,
            survey_version=survey.version,
            touchpoint_id=touchpoint.id,
            journey_stage=touchpoint.journey_stage,
            department_id=touchpoint.department_id,
            channel=touchpoint.channel,
            segment=invitation.customer.segment,
            branch=_text_or_none(invitation.event.attributes.get("branch"))
            if invitation.event
            else None,
            submitted_at=now,
            nps=scores.nps,
            nps_category=scores.nps_category,
            csat=scores.csat,
            csat_satisfied=scores.csat_satisfied,
            ces=scores.ces,
            ces_scale=scores.ces_scale,
            comment=scores.comment,
            language=language,
            consent_to_contact=scores.consent_to_contact,
            routing_status=RoutingStatus.PENDING,
        ),
    ).scalar_one()
    if answers:
        session.execute(
            INSERT_ANSWERS,
            [
                {"response_id": response_id, "question_id": k, "value": v}
                for k, v in answers.items()
            ],
        )
    return response_id


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)[:80]
