"""Routing rules as data: an admin decides which responses become whose cases, and how fast."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin


class RoutingRule(IdMixin, CreatedMixin, Base):
    """One rule; rules are tried by `position`, the first match wins."""

    __tablename__ = "routing_rule"
    __table_args__ = (
        sa.CheckConstraint("priority IN ('P1', 'P2', 'P3')", name="priority_known"),
        sa.CheckConstraint("first_contact_hours > 0 AND resolve_hours > 0", name="sla_positive"),
    )

    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    position: Mapped[int] = mapped_column(index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Conditions: each given one must hold; within a list, any item will do.
    scores: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    polarity_below: Mapped[float | None]
    keywords: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # Topic codes, any of
    touchpoints: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    journey_stages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    segments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    attributes: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)
    # Actions.
    opens_case: Mapped[bool] = mapped_column(default=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    priority: Mapped[str] = mapped_column(sa.String(2), default="P3")
    first_contact_hours: Mapped[float] = mapped_column(default=8)
    resolve_hours: Mapped[float] = mapped_column(default=40)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    round_robin: Mapped[bool] = mapped_column(default=False)
