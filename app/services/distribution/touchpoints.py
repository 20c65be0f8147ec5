"""Touchpoint configuration as the admin edits it, and the invitations it produced."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Department, Invitation, Survey, Touchpoint
from app.services.database.paging import Page, page_of
from app.services.distribution.events import TOUCHPOINTS
from app.services.governance.edits import CODE, CODE_RULE, SettingRefused, apply_edit

EDITABLE = frozenset(
    {
        "name", "name_zh", "department_id", "survey_code", "journey_stage", "journey_order",
        "delay_minutes", "send_at_local_time", "sampling_rate", "segments", "expiry_days",
        "reminder_hours", "priority", "cooldown_days", "overrides_fatigue", "active",
        "channels",
    }
)  # fmt: skip


class TouchpointRefused(SettingRefused):
    """A touchpoint the admin must change before it can be stored; the message says how."""


def touchpoints(session: Session) -> list[Touchpoint]:
    return list(session.scalars(sa.select(Touchpoint).order_by(Touchpoint.journey_order)))


def touchpoint_page(session: Session, search: str, page: int) -> Page[Touchpoint]:
    """Touchpoints matching `search` (code, either name or journey stage), in journey order."""
    query = sa.select(Touchpoint).order_by(
        Touchpoint.active.desc(), Touchpoint.journey_order, Touchpoint.name
    )
    if search:
        pattern = f"%{search}%"
        query = query.where(
            sa.or_(
                Touchpoint.code.ilike(pattern),
                Touchpoint.name.ilike(pattern),
                Touchpoint.name_zh.ilike(pattern),
                Touchpoint.journey_stage.ilike(pattern),
            )
        )
    return page_of(session, query, page)


def create_touchpoint(
    session: Session, code: str, values: dict[str, Any], *, actor: str
) -> Touchpoint:
    """A new touchpoint, on the audit log: events naming its code are accepted from now on."""
    if not CODE.match(code):
        raise TouchpointRefused(CODE_RULE)
    if session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == code)) is not None:
        raise TouchpointRefused(_l("Another touchpoint already has this code."))
    touchpoint = Touchpoint(code=code)
    session.add(touchpoint)
    apply_edit(session, touchpoint, values, EDITABLE, actor=actor, action="touchpoint.create",
               subject=f"touchpoint:{code}")  # fmt: skip
    TOUCHPOINTS.forget()
    return touchpoint


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


def choices(
    session: Session, *, keep: int | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Active departments (id, name), and the one a touchpoint has (`keep`), and survey codes."""
    active = (
        sa.select(Department)
        .where(sa.or_(Department.active, Department.id == keep))
        .order_by(Department.name)
    )
    departments = [(str(d.id), d.name) for d in session.scalars(active)]
    surveys = [(c, c) for c in session.scalars(sa.select(Survey.code).distinct())]
    return departments, surveys


def invitation_page(session: Session, status: str | None, number: int) -> Page[Invitation]:
    """The newest invitations (of one status), with why each was deferred, suppressed or
    expired."""
    query = sa.select(Invitation).order_by(Invitation.id.desc())
    if status:
        query = query.where(Invitation.status == status)
    return page_of(session, query, number)
