"""INSERT … ON CONFLICT for the engines Touchloop runs on: PostgreSQL and SQLite both have it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, model: Any) -> postgresql.Insert | sqlite.Insert:
    """The session's dialect's INSERT for a model, which offers on_conflict_do_*."""
    if dialect_of(session) == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name
