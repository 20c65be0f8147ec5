"""Recording a customer's answers: once per invitation, with the grouping facts copied.

Drafts keep a half-answered survey on the server, so a customer who leaves and comes back
finds what they had given, until they submit or the link expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Invitation, InvitationStatus, Response, RoutingStatus
from app.services.links import OpenLink
from app.services.statements import connection_of
from app.services.surveys import current_survey, definition_of, stored_definition
from surveys.schema import SurveyDefinition
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
# A draft lands only on a link still open: not on one answered a moment ago.
SAVE_DRAFT = (
    sa.update(Invitation.__table__)
    .where(
        _invitation.id == sa.bindparam("invitation_id"),
        _invitation.status == InvitationStatus.SENT,
    )
    .values(draft=sa.bindparam("draft"), draft_saved_at=sa.bindparam("now"))
)


class LinkUnusable(Exception):
    """The link cannot take an answer; `reason` is `answered` or `expired`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_answerable(link: OpenLink, now: datetime) -> None:
    """Raise LinkUnusable unless the link can still be answered."""
    if link.status == InvitationStatus.ANSWERED:
        raise LinkUnusable("answered")
    if link.status != InvitationStatus.SENT or (
        link.expires_at is not None and link.expires_at <= now
    ):
        raise LinkUnusable("expired")


def survey_for(session: Session, link: OpenLink) -> SurveyDefinition:
    """The version this link asks: the one pinned when it was sent, else the newest."""
    if link.survey_code is not None and link.survey_version is not None:
        pinned = stored_definition(session, link.survey_code, link.survey_version)
        assert pinned is not None, "the pinned version was joined to the link"
        return pinned
    code = survey_code_for(link.case_id, link.touchpoint_survey_code)
    return definition_of(current_survey(session, code))


def survey_code_for(case_id: int | None, touchpoint_survey_code: str) -> str:
    """A case's follow-up asks the follow-up survey; an event asks its touchpoint's survey."""
    return FOLLOWUP_SURVEY if case_id else touchpoint_survey_code


def save_draft(
    session: Session, link: OpenLink, formdata: dict[str, list[str]], *, now: datetime
) -> None:
    """Keep what the customer has entered so far; the CSRF token is not worth keeping."""
    check_answerable(link, now)
    draft = {k: v for k, v in formdata.items() if k != "csrf_token"}
    connection_of(session).execute(
        SAVE_DRAFT, {"invitation_id": link.invitation_id, "draft": draft, "now": now}
    )


def record_response(
    session: Session,
    link: OpenLink,
    answers: dict[str, Any],
    *,
    language: str,
    now: datetime,
) -> int:
    """Store the response and return its id; a second submit of the link raises LinkUnusable.

    `answers` are the visible questions' answers, keyed by question id, as the form cleaned them.
    """
    check_answerable(link, now)
    definition = survey_for(session, link)
    scores = score_response(definition, answers)
    branch = (link.event_attributes or {}).get("branch")
    row = dict(
        invitation_id=None if definition.anonymous else link.invitation_id,
        customer_id=None if definition.anonymous else link.customer_id,
        survey_code=definition.id,
        survey_version=definition.version,
        touchpoint_id=link.touchpoint_id,
        journey_stage=link.journey_stage,
        department_id=link.department_id,
        channel=link.channel,
        segment=link.segment,
        branch=None if branch is None else str(branch)[:80],
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
    )
    # Everything above is worked out before the first write: from the claim to the commit the
    # link's row is locked (the whole database, on SQLite), so that stretch is kept short.
    connection = connection_of(session)
    claimed = connection.execute(
        CLAIM_ANSWER, {"invitation_id": link.invitation_id, "answered_at": now}
    )
    if claimed.rowcount != 1:
        raise LinkUnusable("answered")
    # One statement for the response and one for all its answers.
    response_id = connection.execute(INSERT_RESPONSE, row).scalar_one()
    if answers:
        connection.execute(
            INSERT_ANSWERS,
            [
                {"response_id": response_id, "question_id": k, "value": v}
                for k, v in answers.items()
            ],
        )
    return response_id
