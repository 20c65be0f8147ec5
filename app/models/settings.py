"""What the bank sets up for itself: its profile, its business calendar and its contact rules.

Each is kept in the database and changed by an admin in the browser (every change on the audit
log). The profile, the hours and the contact rules have one row each, written the first time
they are saved; until then the defaults stand in, the environment's settings (BUSINESS_HOURS,
HOLIDAYS, FATIGUE_DAYS, QUIET_HOURS) first.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin

BANK_COLOUR = "#1f5fad"
BANK_TIMEZONE = "Asia/Shanghai"
BANK_LANGUAGES = ("zh-CN", "en")


def _one_row() -> sa.CheckConstraint:
    """Settings of which the bank has exactly one: the row's id is 1."""
    return sa.CheckConstraint("id = 1", name="one_row")


class Bank(Base):
    """The bank Touchloop serves: how its pages and surveys present it. One row."""

    __tablename__ = "bank"
    __table_args__ = (_one_row(),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    colour: Mapped[str] = mapped_column(sa.String(7), default=BANK_COLOUR)  # #rrggbb
    timezone: Mapped[str] = mapped_column(sa.String(64), default=BANK_TIMEZONE)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: list(BANK_LANGUAGES))
    logo: Mapped[str | None] = mapped_column(sa.Text)  # a data: URI (PNG, JPEG or SVG), small
    # The first-visit page asks for this one-time code, printed on the server's console.
    setup_code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    setup_code_expires_at: Mapped[datetime | None]


class BusinessHours(Base):
    """When the bank works: the SLA clock counts only these hours. One row."""

    __tablename__ = "business_hours"
    __table_args__ = (_one_row(),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    opens: Mapped[str] = mapped_column(sa.String(5), default="09:00")  # HH:MM
    closes: Mapped[str] = mapped_column(sa.String(5), default="18:00")
    working_weekdays: Mapped[list[int]] = mapped_column(sa.JSON, default=lambda: [0, 1, 2, 3, 4])


class CalendarDay(IdMixin, Base):
    """A day off on a working weekday (a holiday), or a weekend day worked (China's 调休)."""

    __tablename__ = "calendar_day"
    __table_args__ = (sa.CheckConstraint("kind IN ('holiday', 'workday')", name="kind_known"),)

    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(80), default="")


class ContactRules(Base):
    """How often a customer may be asked, and when not: the rules against survey fatigue."""

    __tablename__ = "contact_rules"
    __table_args__ = (_one_row(),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    default_fatigue_days: Mapped[int] = mapped_column(default=30)
    fatigue_days: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)  # by segment
    quiet_start: Mapped[str] = mapped_column(sa.String(5), default="21:00")  # customer's zone
    quiet_end: Mapped[str] = mapped_column(sa.String(5), default="08:00")
    default_cooldown_days: Mapped[int] = mapped_column(default=30)  # new touchpoints start so
