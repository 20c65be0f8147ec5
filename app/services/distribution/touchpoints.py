"""Touchpoint configuration as the admin edits it, and the invitations it produced."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department, Invitation, Survey, Touchpoint
from app.services.distribution.events import TOUCHPOINTS
from app.services.governance.edits import apply_edit

EDITABLE = frozenset(
    {
        "name", "name_zh", "department_id", "survey_code", "journey_stage", "journey_order",
        "delay_minutes", "send_at_local_time", "sampling_rate", "segments", "expiry_days",
        "reminder_hours", "priority", "cooldown_days", "overrides_fatigue", "active",
    }
)  # fmt: skip


def touchpoints(session: Session) -> list[Touchpoint]:
    return list(session.scalars(sa.select(Touchpoint).order_by(Touchpoint.journey_order)))


def update_touchpoint(
    session: Session, touchpoint: Touchpoint, values: dict[str, Any], *, actor: str
) -> None:
    """Apply an admin's edit, on the audit log; new invitations follow it, ones already
    scheduled keep theirs.

    Events follow it at once in this process, within seconds in the others (`remembered`).
    """
    subject = f"touchpoint:{touchpoint.code}"
    apply_edit(session, touchpoint, values, EDITABLE, actor=actor, action="touchpoint.update",
               subject=subject)  # fmt: skip
    TOUCHPOINTS.forget()


def choices(session: Session) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Departments (id, name) and survey codes to pick from."""
    departments = [(str(d.id), d.name) for d in session.scalars(sa.select(Department))]
    surveys = [(c, c) for c in session.scalars(sa.select(Survey.code).distinct())]
    return departments, surveys


def recent_invitations(
    session: Session, status: str | None = None, limit: int = 100
) -> list[Invitation]:
    """The newest invitations, with why each was deferred, suppressed or expired."""
    query = sa.select(Invitation).order_by(Invitation.id.desc()).limit(limit)
    if status:
        query = query.where(Invitation.status == status)
    return list(session.scalars(query))
