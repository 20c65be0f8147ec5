"""A case: a response that needs someone at the bank to act, and its audit trail."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, utcnow
from app.models.org import Department, User
from app.models.survey import Response


class CaseStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    CANCELLED = "cancelled"


ROOT_CAUSES = (
    "waiting_time",
    "staff_behaviour",
    "fees_and_rates",
    "process_or_documents",
    "system_error",
    "product_design",
    "miscommunication",
    "customer_misunderstanding",
    "other",
)
CONTACT_CHANNELS = ("phone", "email", "branch", "sms", "video")

OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.ACKNOWLEDGED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.REOPENED,
)


class Case(IdMixin, Base):
    __tablename__ = "case_file"
    __table_args__ = (
        sa.Index("ix_case_queue", "department_id", "status", "due_resolve_at"),
        sa.Index("ix_case_opened", "opened_at"),
        sa.Index("ix_case_department_opened", "department_id", "opened_at"),
        sa.Index("ix_case_status_opened", "status", "opened_at"),
        sa.CheckConstraint("priority IN ('P1', 'P2', 'P3')", name="priority_known"),
    )

    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id"), unique=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=CaseStatus.NEW)
    priority: Mapped[str] = mapped_column(sa.String(2), default="P3")
    rule: Mapped[str] = mapped_column(sa.String(80))
    routing_rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("routing_rule.id"))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_contact_at: Mapped[datetime | None]
    first_resolved_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    due_first_contact_at: Mapped[datetime | None]
    due_resolve_at: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)  # business seconds spent waiting
    waiting_since: Mapped[datetime | None]  # set while the case waits on the customer
    reopen_count: Mapped[int] = mapped_column(default=0)
    sla_reminded_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(default=0)  # 1: department head, 2: CX
    closure_kind: Mapped[str | None] = mapped_column(sa.String(20))
    root_cause: Mapped[str | None] = mapped_column(sa.String(40))
    resolution_summary: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    response: Mapped[Response] = relationship()
    department: Mapped[Department] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.at, CaseEvent.id"
    )


class CaseEvent(IdMixin, Base):
    """One entry of a case's timeline; written for every change, never edited."""

    __tablename__ = "case_event"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(30))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
