"""INSERT … ON CONFLICT for the engines Touchloop runs on: PostgreSQL and SQLite both have it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, model: Any) -> postgresql.Insert | sqlite.Insert:
    """The session's dialect's INSERT for a model, which offers on_conflict_do_*."""
    return insert_for(dialect_of(session), model)


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_for(dialect: str, model: Any) -> postgresql.Insert | sqlite.Insert:
    """A dialect's INSERT, for statements built once per dialect and reused."""
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)
