"""Survey versions in the database: synced from the definition files, read back validated."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Survey
from surveys.definitions import all_definitions
from surveys.schema import SurveyDefinition, parse

_PARSED: dict[tuple[str, int], SurveyDefinition] = {}


def sync_surveys(session: Session, definitions: list[SurveyDefinition] | None = None) -> int:
    """Store definition versions not stored yet; stored versions are never rewritten."""
    added = 0
    for definition in definitions if definitions is not None else all_definitions():
        exists = session.scalar(
            sa.select(Survey.id).where(
                Survey.code == definition.id, Survey.version == definition.version
            )
        )
        if exists is None:
            session.add(
                Survey(
                    code=definition.id,
                    version=definition.version,
                    title=definition.title.en,
                    title_zh=definition.title.zh_cn,
                    definition=definition.model_dump(mode="json", by_alias=True),
                )
            )
            added += 1
    session.flush()
    return added


def current_survey(session: Session, code: str) -> Survey:
    """The newest version of a survey: what an invitation sent today asks."""
    survey = session.scalar(
        sa.select(Survey).where(Survey.code == code).order_by(Survey.version.desc()).limit(1)
    )
    if survey is None:
        raise LookupError(f"survey {code!r} is not loaded")
    return survey


def definition_of(survey: Survey) -> SurveyDefinition:
    """The validated definition of a stored version (parsed once per process)."""
    key = (survey.code, survey.version)
    if key not in _PARSED:
        _PARSED[key] = parse(survey.definition)
    return _PARSED[key]


def stored_definition(session: Session, code: str, version: int) -> SurveyDefinition | None:
    """An exact stored version (the one a link pinned, or a response answered), parsed once
    per process: a version is never rewritten, so its JSON is read only the first time."""
    key = (code, version)
    if key not in _PARSED:
        stored = session.scalar(
            sa.select(Survey.definition).where(Survey.code == code, Survey.version == version)
        )
        if stored is None:
            return None
        _PARSED[key] = parse(stored)
    return _PARSED[key]
