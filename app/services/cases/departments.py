"""Departments as the admin keeps them: names, head, how the team is told, and retiring one.

A department is never deleted (cases, responses and the audit trail point at it): it is
retired, and what it still owned (open cases, touchpoints, routing rules) goes to another
department first, each case with the move on its timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import OPEN_STATUSES, Case, Department, Role, RoutingRule, Touchpoint, User
from app.services.cases.lifecycle import reassign_case
from app.services.database.paging import Page, page_of
from app.services.governance.edits import (
    CODE,
    CODE_RULE,
    SettingRefused,
    apply_edit,
    record_action,
)

EDITABLE = frozenset({"name", "name_zh", "notify_mode", "notify_email", "active", "code"})


class DepartmentRefused(SettingRefused):
    """A change the admin must correct first; the message says how."""


@dataclass(frozen=True)
class Holdings:
    """What a department still owns, which must go somewhere before it retires."""

    open_cases: int
    touchpoints: int
    rules: int
    staff: int

    @property
    def anything(self) -> bool:
        return bool(self.open_cases or self.touchpoints or self.rules)


def departments(session: Session, *, include_retired: bool = True) -> list[Department]:
    query = sa.select(Department).order_by(Department.active.desc(), Department.name)
    if not include_retired:
        query = query.where(Department.active)
    return list(session.scalars(query))


def department_page(session: Session, search: str, page: int) -> Page[Department]:
    """Departments matching `search` (code or either name), active ones first."""
    query = sa.select(Department).order_by(Department.active.desc(), Department.name)
    if search:
        pattern = f"%{search}%"
        query = query.where(
            sa.or_(
                Department.code.ilike(pattern),
                Department.name.ilike(pattern),
                Department.name_zh.ilike(pattern),
            )
        )
    return page_of(session, query, page)


def create_department(
    session: Session, code: str, values: dict[str, Any], *, actor: str
) -> Department:
    """A new department, on the audit log; its code is what bank systems and exports use."""
    if not CODE.match(code):
        raise DepartmentRefused(CODE_RULE)
    if session.scalar(sa.select(Department.id).where(Department.code == code)) is not None:
        raise DepartmentRefused(_l("Another department already has this code."))
    department = Department(code=code)
    session.add(department)
    apply_edit(session, department, {"code": code, **values}, EDITABLE, actor=actor,
               action="department.create", subject=f"department:{code}")  # fmt: skip
    return department


def update_department(
    session: Session, department: Department, values: dict[str, Any], *, actor: str
) -> None:
    """Apply an admin's edit, on the audit log; the next notifications follow it."""
    subject = f"department:{department.code}"
    apply_edit(session, department, values, EDITABLE, actor=actor, action="department.update",
               subject=subject)  # fmt: skip


def staff_of(session: Session, department: Department) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .where(User.department_id == department.id, User.role == Role.STAFF, User.active)
            .order_by(User.email)
        )
    )


def set_head(session: Session, department: Department, head_id: int | None, *, actor: str) -> None:
    """Make one of the department's staff its head (who hears of escalations), or none."""
    members = staff_of(session, department)
    if head_id is not None and head_id not in {member.id for member in members}:
        raise DepartmentRefused(_l("The head must be an active staff member of the department."))
    for member in members:
        apply_edit(session, member, {"heads_department": member.id == head_id},
                   {"heads_department"}, actor=actor, action="user.update",
                   subject=f"user:{member.id}")  # fmt: skip


def holdings(session: Session, department: Department) -> Holdings:
    def count(query: sa.Select[Any]) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0

    return Holdings(
        open_cases=count(
            sa.select(Case.id).where(
                Case.department_id == department.id, Case.status.in_(OPEN_STATUSES)
            )
        ),
        touchpoints=count(
            sa.select(Touchpoint.id).where(
                Touchpoint.department_id == department.id, Touchpoint.active
            )
        ),
        rules=count(sa.select(RoutingRule.id).where(RoutingRule.department_id == department.id)),
        staff=count(sa.select(User.id).where(User.department_id == department.id, User.active)),
    )


def retire_department(
    session: Session,
    department: Department,
    successor: Department | None,
    *,
    actor: User,
    now: datetime,
) -> Holdings:
    """Retire a department; its open cases, touchpoints and rules go to `successor` first.

    A department that still owns something needs an active successor; staff keep their
    accounts (the admin moves or deactivates them). What was moved is returned and logged.
    """
    held = holdings(session, department)
    if held.anything and (successor is None or not successor.active):
        raise DepartmentRefused(
            _l("Choose the active department its open cases and touchpoints go to.")
        )
    if successor is not None and successor.id == department.id:
        raise DepartmentRefused(_l("Choose another department."))
    who = f"user:{actor.id}"
    if successor is not None:
        reason = str(_l("%(department)s was retired.", department=department.name))
        open_cases = session.scalars(
            sa.select(Case).where(
                Case.department_id == department.id, Case.status.in_(OPEN_STATUSES)
            )
        )
        for case in open_cases:
            reassign_case(session, case, actor, department_id=successor.id, reason=reason, now=now)
        for model in (Touchpoint, RoutingRule):
            rows = session.scalars(sa.select(model).where(model.department_id == department.id))
            for row in rows:
                apply_edit(session, row, {"department_id": successor.id}, {"department_id"},
                           actor=who, action=f"{_kind(model)}.update",
                           subject=_subject(row))  # fmt: skip
    update_department(session, department, {"active": False}, actor=who)
    record_action(session, actor=who, action="department.retire",
                  subject=f"department:{department.code}",
                  successor=successor.code if successor else None, moved=vars(held))  # fmt: skip
    return held


def _kind(model: type) -> str:
    return "touchpoint" if model is Touchpoint else "rule"


def _subject(row: Touchpoint | RoutingRule) -> str:
    return f"touchpoint:{row.code}" if isinstance(row, Touchpoint) else f"rule:{row.id}"
