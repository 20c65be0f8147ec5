"""The bank's topic taxonomy as the database keeps it, and the topics of each stored comment.

The taxonomy lives in the `topic` table so admins can change it; the first reader of an empty
table seeds it from the shipped default (surveys/topics/default.yaml). Matching itself is the
pure `surveys.topics.assign_topics`; here its matches become `ResponseTopic` rows, with the
words that gave each topic away, in place of whatever a comment had before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Response, ResponseTopic
from app.models import Topic as TopicRow
from surveys.topics import Topic, TopicMatch, assign_topics, default_taxonomy, topic_from_data


def taxonomy(session: Session) -> list[Topic]:
    """The active topics, in the admin's order; the shipped ones on first use."""
    rows = topic_rows(session)
    return [as_topic(row) for row in rows if row.active]


def topic_rows(session: Session) -> list[TopicRow]:
    """Every topic row, inactive ones too, in order; seeded when the table is empty."""
    query = sa.select(TopicRow).order_by(TopicRow.position, TopicRow.id)
    rows = list(session.scalars(query))
    if rows:
        return rows
    try:
        # Two workers may seed at once: the loser's savepoint rolls back and it reads the rows
        # the winner committed (PostgreSQL makes it wait for that commit on the unique code).
        with session.begin_nested():
            session.add_all(_seed_rows())
    except sa.exc.IntegrityError:
        pass
    return list(session.scalars(query))


def as_topic(row: TopicRow) -> Topic:
    """A stored topic as the matcher takes it (keywords cleaned the matcher's way)."""
    return topic_from_data(
        {
            "code": row.code,
            "name": {"en": row.name, "zh-CN": row.name_zh},
            "keywords": {"en": row.keywords_en, "zh-CN": row.keywords_zh},
            "exclude": row.exclude,
        }
    )


def analyse_topics(
    session: Session, response: Response, topics: Sequence[Topic] | None = None
) -> list[TopicMatch]:
    """The comment's topics with their evidence, stored in place of the response's old ones."""
    found = assign_topics(response.comment or "", taxonomy(session) if topics is None else topics)
    replace_topics(session, {response.id: found})
    return found


def replace_topics(session: Session, found: Mapping[int, Sequence[TopicMatch]]) -> None:
    """Store each response's topics (by response id), dropping what it had before."""
    if not found:
        return
    session.execute(
        sa.delete(ResponseTopic)
        .where(ResponseTopic.response_id.in_(list(found)))
        .execution_options(synchronize_session="fetch")
    )
    session.add_all(
        ResponseTopic(response_id=response_id, topic=match.code, evidence=list(match.evidence))
        for response_id, matches in found.items()
        for match in matches
    )
    session.flush()


def _seed_rows() -> list[TopicRow]:
    return [
        TopicRow(
            code=topic.code,
            name=topic.name_en,
            name_zh=topic.name_zh,
            keywords_en=list(topic.keywords_en),
            keywords_zh=list(topic.keywords_zh),
            exclude=list(topic.exclude),
            position=position,
            active=True,
        )
        for position, topic in enumerate(default_taxonomy())
    ]
