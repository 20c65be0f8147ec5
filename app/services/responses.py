"""Recording a customer's answers: once per invitation, with the grouping facts copied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Invitation, InvitationStatus, Response, Survey
from surveys.scoring import nps_category


class LinkUnusable(Exception):
    """The link cannot take an answer; `reason` is `answered` or `expired`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AnswersIn:
    nps: int | None
    comment: str
    language: str


def check_answerable(invitation: Invitation, now: datetime) -> None:
    """Raise LinkUnusable unless the invitation can still be answered."""
    if invitation.status == InvitationStatus.ANSWERED:
        raise LinkUnusable("answered")
    if invitation.status != InvitationStatus.SENT or (
        invitation.expires_at is not None and invitation.expires_at <= now
    ):
        raise LinkUnusable("expired")


def current_survey(session: Session, code: str) -> Survey:
    """The newest version of a survey: what a customer is shown today."""
    survey = session.scalar(
        sa.select(Survey).where(Survey.code == code).order_by(Survey.version.desc()).limit(1)
    )
    if survey is None:
        raise LookupError(f"survey {code!r} is not loaded")
    return survey


def record_response(
    session: Session, invitation: Invitation, answers: AnswersIn, *, now: datetime
) -> Response:
    """Store the response; a second submit of the same link raises LinkUnusable('answered')."""
    check_answerable(invitation, now)
    claimed = session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.SENT)
        .values(status=InvitationStatus.ANSWERED, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise LinkUnusable("answered")
    touchpoint = invitation.touchpoint
    survey = current_survey(session, touchpoint.survey_code)
    response = Response(
        invitation_id=invitation.id,
        customer_id=invitation.customer_id,
        survey_code=survey.code,
        survey_version=survey.version,
        touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage,
        department_id=touchpoint.department_id,
        channel=touchpoint.channel,
        segment=invitation.customer.segment,
        branch=_text_or_none(invitation.event.attributes.get("branch")),
        submitted_at=now,
        nps=answers.nps,
        nps_category=None if answers.nps is None else nps_category(answers.nps),
        comment=answers.comment,
        language=answers.language,
    )
    response.answers = [
        Answer(question_id="nps", value=answers.nps),
        Answer(question_id="comment", value=answers.comment),
    ]
    session.add(response)
    session.flush()
    return response


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)[:80]
