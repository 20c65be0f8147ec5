"""What comments are about, and what the bank does about it: the topic taxonomy an admin keeps,
the topics found in each response with their evidence, the runs that re-read stored comments,
and the improvement actions of the outer loop.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, IdMixin
from app.models.org import Department
from app.models.survey import Touchpoint


class Topic(IdMixin, CreatedMixin, Base):
    """A topic of the bank's taxonomy: seeded from surveys/topics/default.yaml, edited by admins.

    The code is stored with every match and used by reports and routing rules: never renamed.
    """

    __tablename__ = "topic"

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    name_zh: Mapped[str] = mapped_column(sa.String(80), default="")
    keywords_en: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    keywords_zh: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    exclude: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class ResponseTopic(Base):
    """One topic found in a response's comment, with the words that gave it away."""

    __tablename__ = "response_topic"
    __table_args__ = (sa.Index("ix_response_topic_topic", "topic", "response_id"),)

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    evidence: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class AnalysisRun(IdMixin, CreatedMixin, Base):
    """A re-reading of every stored comment (after the taxonomy or the analyser changed), done
    by the worker in batches; `last_response_id` is where it resumes after a restart."""

    __tablename__ = "analysis_run"

    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    last_response_id: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ABANDONED = "abandoned"


class ImprovementAction(IdMixin, CreatedMixin, Base):
    """The outer loop: a change the bank makes to remove a cause (a topic, a touchpoint)."""

    __tablename__ = "improvement_action"

    title: Mapped[str] = mapped_column(sa.String(200))
    topic: Mapped[str | None] = mapped_column(sa.String(40))  # a Topic's code
    touchpoint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("touchpoint.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    due_on: Mapped[date | None]
    expected_effect: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=ActionStatus.PLANNED)
    # The day it went live (set when it is done): the before/after figures turn on it.
    live_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(sa.String(80), default="")

    touchpoint: Mapped[Touchpoint | None] = relationship()
    department: Mapped[Department] = relationship()
    notes: Mapped[list[ActionNote]] = relationship(
        back_populates="action", order_by="ActionNote.id"
    )


class ActionNote(IdMixin, CreatedMixin, Base):
    """A note on an action, and the status it moved to, if it did."""

    __tablename__ = "action_note"

    action_id: Mapped[int] = mapped_column(sa.ForeignKey("improvement_action.id"), index=True)
    author: Mapped[str] = mapped_column(sa.String(80))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str | None] = mapped_column(sa.String(20))

    action: Mapped[ImprovementAction] = relationship(back_populates="notes")
