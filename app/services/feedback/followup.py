"""Closing the loop with the customer: their answer to the follow-up decides the case.

A "yes" closes the case as confirmed, a "no" reopens it to the same department with the
customer's words; no answer within the follow-up window closes it as resolved but unconfirmed.
The metrics keep the two kinds of closure apart.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Answer, Case, CaseStatus, Response
from app.services.cases.lifecycle import transition_case


def apply_followup(session: Session, response: Response, *, now: datetime) -> str | None:
    """Close or reopen the case a follow-up answer is about; what was done, or None."""
    invitation = response.invitation
    case = session.get(Case, invitation.case_id) if invitation and invitation.case_id else None
    if case is None or case.status != CaseStatus.RESOLVED:
        return None
    resolved = session.scalar(
        sa.select(Answer.value).where(
            Answer.response_id == response.id, Answer.question_id == "resolved"
        )
    )
    if resolved:
        transition_case(session, case, CaseStatus.CLOSED, None, "Customer confirmed", now=now)
        case.closure_kind = "confirmed"
        return "confirmed"
    note = f"Customer says it is not resolved: {response.comment}".strip(": ")
    transition_case(session, case, CaseStatus.REOPENED, None, note, now=now)
    return "reopened"


def close_unconfirmed(session: Session, *, now: datetime, days: int) -> int:
    """Resolved cases nobody confirmed within the window close as resolved, unconfirmed."""
    due = session.scalars(
        sa.select(Case).where(
            Case.status == CaseStatus.RESOLVED, Case.resolved_at < now - timedelta(days=days)
        )
    ).all()
    closed = 0
    for case in due:
        try:
            with session.begin_nested():
                transition_case(
                    session, case, CaseStatus.CLOSED, None, "No answer to the follow-up", now=now
                )
                case.closure_kind = "unconfirmed"
                session.flush()
            closed += 1
        except StaleDataError:
            continue  # another worker closed it a moment ago
    return closed
