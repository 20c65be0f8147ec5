"""Changes people make to the bank's settings: applied field by field, each on the audit log.

Every settings service (bank profile, departments, touchpoints, routing rules, users, API keys,
webhooks, business calendar, contact rules) changes its rows through `apply_edit`, so the
history of any object is one audit query (`history_of`): who, when, and each field before and
after. Secrets are logged as changed, never by value.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Set
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import AuditEntry
from app.services.governance import audit

# What bank systems, exports and links use to name a touchpoint or a department.
CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
CODE_RULE = _l("Use 2-40 lower-case letters, digits or _, starting with a letter.")
# Logged as "changed" without their values: credentials, and images too large to be useful.
UNLOGGED = frozenset({"secret", "previous_secret", "password_hash", "key_hash", "logo"})
CHANGED = "(changed)"


class SettingRefused(ValueError):
    """A settings change the admin must correct first; its message says how, for the form."""


def apply_edit(
    session: Session,
    row: object,
    values: dict[str, Any],
    editable: Set[str],
    *,
    actor: str,
    action: str,
    subject: str | Callable[[], str],
) -> dict[str, list[Any]]:
    """Set the edited fields, flush, and log what changed as {field: [before, after]}.

    A field outside `editable` is a programming error, refused. Nothing is logged when nothing
    changed. `subject` names the object on the log ("touchpoint:branch_visit", "rule:3"); a new
    row, whose id the flush gives, names it with a function called after the flush.
    """
    unknown = set(values) - editable
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    before = {name: plain(getattr(row, name, None)) for name in values}
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    changes = {
        name: _shown(name, before[name], after)
        for name in values
        if (after := plain(getattr(row, name))) != before[name]
    }
    if changes:
        named = subject if isinstance(subject, str) else subject()
        audit.record(session, actor, action, named, {"changes": changes})
    return changes


def record_action(
    session: Session, *, actor: str, action: str, subject: str, **detail: Any
) -> None:
    """Log a change that is not a field edit (a key revoked, a secret rotated, a test sent)."""
    audit.record(session, actor, action, subject, {k: plain(v) for k, v in detail.items()})


def history_of(session: Session, subject: str, limit: int = 50) -> list[AuditEntry]:
    """What happened to one object, newest first."""
    return list(
        session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject == subject)
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
    )


def plain(value: Any) -> Any:
    """A value as the audit log's JSON keeps it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    return value


def _shown(name: str, before: Any, after: Any) -> list[Any]:
    return [CHANGED, CHANGED] if name in UNLOGGED else [before, after]
