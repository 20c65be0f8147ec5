"""Recording a customer's answers: once per invitation, with the grouping facts copied.

Drafts keep a half-answered survey on the server, so a customer who leaves and comes back
finds what they had given, until they submit or the link expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Invitation, InvitationStatus, Response, Survey
from app.services.surveys import current_survey, definition_of
from surveys.scoring import score_response


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
    return invitation.survey or current_survey(session, invitation.touchpoint.survey_code)


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
) -> Response:
    """Store the response; a second submit of the same link raises LinkUnusable('answered').

    `answers` are the visible questions' answers, keyed by question id, as the form cleaned them.
    """
    check_answerable(invitation, now)
    claimed = session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.SENT)
        .values(status=InvitationStatus.ANSWERED, answered_at=now, draft=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise LinkUnusable("answered")
    survey = survey_for(session, invitation)
    definition = definition_of(survey)
    scores = score_response(definition, answers)
    touchpoint = invitation.touchpoint
    response = Response(
        invitation_id=None if definition.anonymous else invitation.id,
        customer_id=None if definition.anonymous else invitation.customer_id,
        survey_code=survey.code,
        survey_version=survey.version,
        touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage,
        department_id=touchpoint.department_id,
        channel=touchpoint.channel,
        segment=invitation.customer.segment,
        branch=_text_or_none(invitation.event.attributes.get("branch")),
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
    )
    response.answers = [Answer(question_id=key, value=value) for key, value in answers.items()]
    session.add(response)
    session.flush()
    return response


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)[:80]
