"""The topic taxonomy as admins change it: a new topic, names, keywords, exclusions, retiring.

Every change goes on the audit log (governance.edits) and, when it changed anything, starts a
run that reads every stored comment again, so the figures follow the taxonomy they are read by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Response, ResponseTopic
from app.models import Topic as TopicRow
from app.services.feedback.reanalysis import ASKED, TAXONOMY_CHANGED, start_run
from app.services.feedback.topic_analysis import topic_rows
from app.services.governance.edits import (
    CODE,
    CODE_RULE,
    SettingRefused,
    apply_edit,
    record_action,
)
from surveys.topics import topic_from_data

EDITABLE = frozenset(
    {"code", "name", "name_zh", "keywords_en", "keywords_zh", "exclude", "active", "position"}
)
PHRASE_MAX = 80
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class TopicLine:
    """A topic on the admin's list: the row, its keyword counts, its recent matches."""

    topic: TopicRow
    keywords_en: int
    keywords_zh: int
    recent_matches: int


def topic_lines(session: Session, *, now: datetime) -> list[TopicLine]:
    """Every topic in order, with how many comments it was found in over the last 30 days."""
    rows = topic_rows(session)
    counts = dict(
        session.execute(
            sa.select(ResponseTopic.topic, sa.func.count())
            .join(Response, Response.id == ResponseTopic.response_id)
            .where(Response.submitted_at >= now - RECENT)
            .group_by(ResponseTopic.topic)
        ).all()
    )
    return [
        TopicLine(row, len(row.keywords_en), len(row.keywords_zh), counts.get(row.code, 0))
        for row in rows
    ]


def create_topic(
    session: Session, code: str, values: dict[str, Any], *, actor: str, now: datetime
) -> TopicRow:
    """A new topic at the end of the list, on the audit log; comments are read again."""
    if not CODE.match(code):
        raise SettingRefused(CODE_RULE)
    rows = topic_rows(session)  # the shipped topics first, so a new one joins them
    if any(row.code == code for row in rows):
        raise SettingRefused(_l("Another topic already has this code."))
    topic = TopicRow(code=code)
    session.add(topic)
    position = max((row.position for row in rows), default=-1) + 1
    apply_edit(session, topic, {"code": code, "position": position, **_cleaned(code, values)},
               EDITABLE, actor=actor, action="topic.create", subject=f"topic:{code}")  # fmt: skip
    start_run(session, reason=TAXONOMY_CHANGED, now=now)
    return topic


def update_topic(
    session: Session, topic: TopicRow, values: dict[str, Any], *, actor: str, now: datetime
) -> None:
    """An admin's edit, on the audit log; when it changed anything, comments are read again."""
    changes = apply_edit(session, topic, _cleaned(topic.code, values), EDITABLE, actor=actor,
                         action="topic.update", subject=f"topic:{topic.code}")  # fmt: skip
    if changes:
        start_run(session, reason=TAXONOMY_CHANGED, now=now)


def ask_reanalysis(session: Session, *, actor: str, now: datetime) -> None:
    """Every stored comment read again on an admin's request (the analyser changed)."""
    start_run(session, reason=ASKED, now=now)
    record_action(session, actor=actor, action="topic.reanalyse", subject="topics")


def _cleaned(code: str, values: dict[str, Any]) -> dict[str, Any]:
    """Keywords and exclusions as the matcher reads them (trimmed, lower-case, once each);
    refused when no keyword is left or a phrase has no letter to match."""
    phrases = [*values["keywords_en"], *values["keywords_zh"], *values["exclude"]]
    if any(not any(ch.isalnum() for ch in phrase) for phrase in phrases):
        raise SettingRefused(_l("Each keyword or phrase needs at least one letter or digit."))
    if any(len(phrase) > PHRASE_MAX for phrase in phrases):
        raise SettingRefused(_l("Keep each keyword or phrase under 80 characters."))
    topic = topic_from_data(
        {
            "code": code,
            "keywords": {"en": values["keywords_en"], "zh-CN": values["keywords_zh"]},
            "exclude": values["exclude"],
        }
    )
    if not topic.keywords_en and not topic.keywords_zh:
        raise SettingRefused(_l("Give at least one keyword, in English or in Chinese."))
    return {
        **values,
        "keywords_en": list(topic.keywords_en),
        "keywords_zh": list(topic.keywords_zh),
        "exclude": list(topic.exclude),
    }
