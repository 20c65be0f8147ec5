"""The audit log as admins read it: filtered by who, what kind of thing, which object, when.

Entries are read a page at a time, newest first, by their sequence number; staff actors are
named by their e-mail in one query per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AuditEntry, User
from app.services.database.paging import Page, page_of
from app.services.reports.filters import day_start


@dataclass(frozen=True)
class ActivityFilter:
    actor: str | None = None  # "user:12", "system", "cli", "api_key:core-banking"...
    kind: str | None = None  # what was acted on: "touchpoint", "rule", "case", "user"...
    subject: str | None = None  # one object: "touchpoint:branch_visit"
    first_day: date | None = None  # whole UTC days, the last included
    last_day: date | None = None


def activity(session: Session, wanted: ActivityFilter, page: int) -> Page[AuditEntry]:
    """One page of the log matching `wanted`, newest first."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq.desc())
    if wanted.actor:
        query = query.where(AuditEntry.actor == wanted.actor)
    if wanted.kind:
        query = query.where(AuditEntry.action.startswith(f"{wanted.kind}.", autoescape=True))
    if wanted.subject:
        query = query.where(AuditEntry.subject == wanted.subject)
    if wanted.first_day:
        query = query.where(AuditEntry.at >= day_start(wanted.first_day))
    if wanted.last_day:
        query = query.where(AuditEntry.at < day_start(wanted.last_day + timedelta(days=1)))
    return page_of(session, query, page)


def actor_names(session: Session, entries: list[AuditEntry]) -> dict[str, str]:
    """Each staff actor ("user:12") by their e-mail; other actors keep their own names."""
    ids = {
        int(actor.split(":", 1)[1])
        for actor in {entry.actor for entry in entries}
        if actor.startswith("user:") and actor.split(":", 1)[1].isdecimal()
    }
    emails = dict(session.execute(sa.select(User.id, User.email).where(User.id.in_(ids))).all())
    return {f"user:{user_id}": email for user_id, email in emails.items()}


def staff_actors(session: Session) -> list[tuple[str, str]]:
    """Every staff account as an actor to filter by: ("user:12", e-mail)."""
    rows = session.execute(sa.select(User.id, User.email).order_by(User.email))
    return [(f"user:{user_id}", email) for user_id, email in rows]
