"""Failure counters for rate limits that must hold across every web process."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Throttle(Base):
    """Failures of one kind from one source (an e-mail's hash, an IP) in the current window.

    A row is counted up by one atomic upsert, so concurrent failures are never lost, and while
    `blocked_until` lies ahead every attempt from that source is refused.
    """

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]
