"""Departments as the admin keeps them: names in both languages and how the team is told."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Department
from app.services.governance.edits import apply_edit

EDITABLE = frozenset({"name", "name_zh", "notify_mode", "notify_email"})


def departments(session: Session) -> list[Department]:
    return list(session.scalars(sa.select(Department).order_by(Department.name)))


def update_department(
    session: Session, department: Department, values: dict[str, Any], *, actor: str
) -> None:
    """Apply an admin's edit, on the audit log; the next notifications follow it."""
    subject = f"department:{department.code}"
    apply_edit(session, department, values, EDITABLE, actor=actor, action="department.update",
               subject=subject)  # fmt: skip
