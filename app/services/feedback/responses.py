"""Recording a customer's answers: once per invitation, with the grouping facts copied.

Drafts keep a half-answered survey on the server, so a customer who leaves and comes back
finds what they had given, until they submit or the link expires.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.models import Answer, Invitation, InvitationStatus, Response, RoutingStatus
from app.services.database.statements import connection_of
from app.services.distribution.links import OpenLink
from app.services.feedback.survey_versions import current_survey, definition_of, stored_definition
from surveys.drafts import draft_of
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
    .values(
        status=InvitationStatus.ANSWERED,
        answered_at=sa.bindparam("answered_at"),
        draft=None,
        next_reminder_at=None,  # no more reminders; and the row leaves ix_invitation_reminder_due
    )
)
RESPONSE_COLUMNS = (
    "invitation_id",
    "customer_id",
    "survey_code",
    "survey_version",
    "touchpoint_id",
    "journey_stage",
    "department_id",
    "channel",
    "segment",
    "branch",
    "submitted_at",
    "nps",
    "nps_category",
    "csat",
    "csat_satisfied",
    "ces",
    "ces_scale",
    "comment",
    "language",
    "consent_to_contact",
    "routing_status",
)


def _answer_in_one() -> sa.Select[tuple[int]]:
    """The claim, the response and its answers as one PostgreSQL statement (one round trip).

    Each part reads the one before: no claimed link, no response; no response, no answers.
    The response's values are bound as `r_<column>` (its `invitation_id` is None on an anonymous
    survey, while the claim's is the link's); the answers travel as one JSON object.
    """
    response_table, answer_table = Response.__table__, Answer.__table__
    claimed = CLAIM_ANSWER.returning(_invitation.id).cte("claimed")
    values = [
        sa.bindparam(f"r_{name}", type_=response_table.c[name].type) for name in RESPONSE_COLUMNS
    ]
    new_response = (
        postgresql.insert(response_table)
        .from_select(RESPONSE_COLUMNS, sa.select(*values).select_from(claimed))
        .returning(response_table.c.id)
        .cte("new_response")
    )
    pairs = (
        sa.func.json_each(sa.bindparam("answers", type_=sa.JSON))
        .table_valued("key", "value")
        .render_derived("pairs")
    )
    new_answers = (
        postgresql.insert(answer_table)
        .from_select(
            ("response_id", "question_id", "value"),
            sa.select(new_response.c.id, pairs.c.key, pairs.c.value).join_from(
                new_response, pairs, sa.true()
            ),
        )
        .cte("new_answers")
    )
    return sa.select(new_response.c.id).add_cte(new_answers)


ANSWER_IN_ONE = _answer_in_one()
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
    """Keep what the customer has entered so far: the survey's own fields, within limits."""
    check_answerable(link, now)
    draft = draft_of(survey_for(session, link), formdata)
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
        language=language,
        routing_status=RoutingStatus.PENDING,
        **asdict(scores),
    )
    # Everything above is worked out before the first write: from the claim to the commit the
    # link's row is locked (the whole database, on SQLite), so that stretch is kept short.
    connection = connection_of(session)
    claim = {"invitation_id": link.invitation_id, "answered_at": now}
    if connection.dialect.name == "postgresql":
        response_id = connection.execute(
            ANSWER_IN_ONE, {**claim, **{f"r_{k}": v for k, v in row.items()}, "answers": answers}
        ).scalar()
    else:
        response_id = _answer_in_three(connection, claim, row, answers)
    if response_id is None:
        raise LinkUnusable("answered")
    return response_id


def _answer_in_three(
    connection: sa.Connection, claim: dict[str, Any], row: dict[str, Any], answers: dict[str, Any]
) -> int | None:
    """The claim, then the response, then all its answers; None when the link was taken."""
    if connection.execute(CLAIM_ANSWER, claim).rowcount != 1:
        return None
    response_id: int = connection.execute(INSERT_RESPONSE, row).scalar_one()
    if answers:
        connection.execute(
            INSERT_ANSWERS,
            [
                {"response_id": response_id, "question_id": k, "value": v}
                for k, v in answers.items()
            ],
        )
    return response_id
