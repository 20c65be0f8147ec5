"""Improvement actions, the outer loop: a change the bank makes to remove a cause that many
customers' comments point at (a topic, a touchpoint), tracked to done and then judged.

CX managers and admins open and move actions; a department head reads the actions their
department owns, nobody else sees them (a 404, as for a case of another department). Each move
of status carries a note saying why, kept on the action's timeline and on the audit log. When
an action is done it goes live that day in the bank's zone, unless the day is given: the
before/after figures (app/services/reports/action_effect.py) turn on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import ActionNote, ActionStatus, ImprovementAction, Role, Topic, User
from app.services.database.paging import Page, page_of
from app.services.feedback.topic_analysis import topic_rows
from app.services.governance import audit
from app.services.governance.bank_profile import bank_profile
from app.services.governance.edits import apply_edit

OPEN = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
# Where each status may go: done and abandoned are the end of an action.
MOVES: dict[str, frozenset[str]] = {
    ActionStatus.PLANNED: frozenset(
        {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.ABANDONED}
    ),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.ABANDONED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.ABANDONED: frozenset(),
}
FIELDS = frozenset(
    {"title", "topic", "touchpoint_id", "department_id", "due_on", "expected_effect"}
)


class ActionRefused(ValueError):
    """An action that cannot be opened or moved as asked; the message says why, for a form."""


def may_change(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.CX_MANAGER)


def may_read_actions(user: User) -> bool:
    """Managers and admins, and the head of a department (who reads their department's)."""
    return may_change(user) or (user.heads_department and user.department_id is not None)


def _visible(user: User) -> list[sa.ColumnElement[bool]]:
    if may_change(user):
        return []
    if may_read_actions(user):
        return [ImprovementAction.department_id == user.department_id]
    return [sa.false()]


def action_for(session: Session, user: User, action_id: int) -> ImprovementAction | None:
    """The action if this user may read it, else None (the page answers 404)."""
    return session.scalar(
        sa.select(ImprovementAction).where(ImprovementAction.id == action_id, *_visible(user))
    )


def bank_today(session: Session, now: datetime) -> date:
    """The bank's calendar day at `now`: due dates and go-live days are the bank's days."""
    return now.astimezone(ZoneInfo(bank_profile(session).timezone)).date()


def is_overdue(action: ImprovementAction, today: date) -> bool:
    return action.status in OPEN and action.due_on is not None and action.due_on < today


@dataclass(frozen=True)
class ActionFilter:
    status: str | None = None  # a status, "open", or None for all
    page: int = 1


def action_list(session: Session, user: User, wanted: ActionFilter) -> Page[ImprovementAction]:
    """The actions this user may read, the soonest due first (undated last), then newest."""
    query = sa.select(ImprovementAction).where(*_visible(user))
    if wanted.status == "open":
        query = query.where(ImprovementAction.status.in_(OPEN))
    elif wanted.status:
        query = query.where(ImprovementAction.status == wanted.status)
    query = query.order_by(
        ImprovementAction.due_on.is_(None),
        ImprovementAction.due_on,
        ImprovementAction.id.desc(),
    )
    return page_of(session, query, wanted.page)


def due_actions(
    session: Session, *, today: date, days: int = 7, department_id: int | None = None
) -> list[ImprovementAction]:
    """Open actions due within `days` of `today` or already overdue, the most overdue first:
    what the weekly summary reminds its reader of."""
    query = sa.select(ImprovementAction).where(
        ImprovementAction.status.in_(OPEN),
        ImprovementAction.due_on.is_not(None),
        ImprovementAction.due_on <= today + timedelta(days=days),
    )
    if department_id is not None:
        query = query.where(ImprovementAction.department_id == department_id)
    return list(session.scalars(query.order_by(ImprovementAction.due_on, ImprovementAction.id)))


def topics_by_code(session: Session) -> dict[str, Topic]:
    """Every topic of the taxonomy by its code, in the admin's order (the shipped ones before
    the first analysis): the active ones to choose from, a retired one still named on the
    actions that were opened on it."""
    return {row.code: row for row in topic_rows(session)}


def open_action(
    session: Session,
    *,
    title: str,
    department_id: int,
    topic: str | None = None,
    touchpoint_id: int | None = None,
    due_on: date | None = None,
    expected_effect: str = "",
    actor: User,
) -> ImprovementAction:
    """A new planned action on a topic, a touchpoint or both, on the audit log."""
    if not topic and touchpoint_id is None:
        raise ActionRefused(_l("Choose a topic, a touchpoint or both."))
    action = ImprovementAction(status=ActionStatus.PLANNED, created_by=audit.actor_of(actor))
    session.add(action)
    values = {
        "title": title,
        "topic": topic or None,
        "touchpoint_id": touchpoint_id,
        "department_id": department_id,
        "due_on": due_on,
        "expected_effect": expected_effect,
    }
    apply_edit(
        session,
        action,
        values,
        FIELDS,
        actor=audit.actor_of(actor),
        action="action.create",
        subject=lambda: f"action:{action.id}",
    )
    return action


def add_action_note(
    session: Session, action: ImprovementAction, note: str, *, actor: User, now: datetime
) -> ActionNote:
    """A note on the action's timeline, its status unchanged (the audit log keeps that a note
    was added, not its words)."""
    if not note.strip():
        raise ActionRefused(_l("Write the note first."))
    entry = _note(session, action, note, None, actor=actor, now=now)
    audit.record(session, audit.actor_of(actor), "action.note", f"action:{action.id}")
    return entry


def move_action(
    session: Session,
    action: ImprovementAction,
    to_status: str,
    note: str,
    *,
    actor: User,
    now: datetime,
    live_on: date | None = None,
) -> ActionNote:
    """Move the action on, with the note that says why; done sets the day it went live."""
    if to_status not in MOVES.get(action.status, frozenset()):
        raise ActionRefused(_l("This action cannot move to that status now."))
    if not note.strip():
        raise ActionRefused(_l("Say why the status changes."))
    before = action.status
    action.status = to_status
    if to_status == ActionStatus.DONE:
        action.live_on = live_on or bank_today(session, now)
    entry = _note(session, action, note, to_status, actor=actor, now=now)
    audit.record(
        session,
        audit.actor_of(actor),
        "action.status",
        f"action:{action.id}",
        {"action_status": [before, to_status], "live_on": _day(action.live_on)},
    )
    return entry


def note_authors(session: Session, action: ImprovementAction) -> dict[str, str]:
    """Who wrote each note, by the actor the note keeps ("user:12"), as a name or e-mail."""
    ids = {int(n.author.split(":", 1)[1]) for n in action.notes if n.author.startswith("user:")}
    people = session.execute(sa.select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {f"user:{uid}": name or email for uid, name, email in people}


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _note(
    session: Session,
    action: ImprovementAction,
    note: str,
    status: str | None,
    *,
    actor: User,
    now: datetime,
) -> ActionNote:
    entry = ActionNote(
        action_id=action.id,
        author=audit.actor_of(actor),
        note=note.strip(),
        status=status,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    session.refresh(action, ["notes"])
    return entry
