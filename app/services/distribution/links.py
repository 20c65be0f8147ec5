"""A survey link as answering it needs: one row of plain columns.

Every survey page view and submit starts here, so the link's invitation, customer, touchpoint,
event and pinned survey version are read by one statement, built once, as a tuple rather than
five ORM objects (which cost a third of a submit's time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Invitation, Survey, SurveyLink, Touchpoint, TouchpointEvent
from app.services.database.statements import connection_of


class OpenLink(NamedTuple):
    invitation_id: int
    status: str
    expires_at: datetime | None
    draft: dict[str, list[str]] | None
    case_id: int | None
    customer_id: int
    locale: str
    segment: str
    touchpoint_id: int
    touchpoint_name: str
    touchpoint_name_zh: str
    touchpoint_survey_code: str
    journey_stage: str
    department_id: int
    channel: str
    event_attributes: dict[str, Any] | None
    survey_code: str | None  # the version pinned when the link was sent
    survey_version: int | None

    @property
    def touchpoint(self) -> Any:
        """Named like a touchpoint, for the `local_name` filter."""
        return _Named(self.touchpoint_name, self.touchpoint_name_zh)


class _Named(NamedTuple):
    name: str
    name_zh: str


_LINK = (
    sa.select(
        Invitation.id,
        Invitation.status,
        Invitation.expires_at,
        Invitation.draft,
        Invitation.case_id,
        Invitation.customer_id,
        Customer.locale,
        Customer.segment,
        Touchpoint.id,
        Touchpoint.name,
        Touchpoint.name_zh,
        Touchpoint.survey_code,
        Touchpoint.journey_stage,
        Touchpoint.department_id,
        sa.func.coalesce(Invitation.channel, "email"),
        TouchpointEvent.attributes,
        Survey.code,
        Survey.version,
    )
    .join(Customer, Customer.id == Invitation.customer_id)
    .join(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
    .outerjoin(TouchpointEvent, TouchpointEvent.id == Invitation.event_id)
    .outerjoin(Survey, Survey.id == Invitation.survey_id)
)
BY_TOKEN = _LINK.join(SurveyLink, SurveyLink.invitation_id == Invitation.id).where(
    SurveyLink.token_hash == sa.bindparam("token_hash")
)
BY_ID = _LINK.where(Invitation.id == sa.bindparam("invitation_id"))


def link_for_token(session: Session, token_hash: str) -> OpenLink | None:
    """The link a customer opens, found by the hash the database keeps."""
    row = connection_of(session).execute(BY_TOKEN, {"token_hash": token_hash}).first()
    return None if row is None else OpenLink(*row)


def link_for_invitation(session: Session, invitation_id: int) -> OpenLink:
    """The same view of an invitation, for answers recorded without a browser (demo, tests)."""
    return OpenLink(*connection_of(session).execute(BY_ID, {"invitation_id": invitation_id}).one())
