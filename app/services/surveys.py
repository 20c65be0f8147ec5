"""Keeping the survey table in step with the definition files, one row per version."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Survey
from surveys.definitions import all_definitions


def sync_surveys(session: Session, definitions: list[dict[str, Any]] | None = None) -> int:
    """Store definition versions not stored yet; stored versions are never rewritten."""
    added = 0
    for definition in definitions if definitions is not None else all_definitions():
        exists = session.scalar(
            sa.select(Survey.id).where(
                Survey.code == definition["id"], Survey.version == definition["version"]
            )
        )
        if exists is None:
            session.add(
                Survey(
                    code=definition["id"],
                    version=definition["version"],
                    title=definition["title"]["en"],
                    title_zh=definition["title"]["zh-CN"],
                    definition=definition,
                )
            )
            added += 1
    session.flush()
    return added
