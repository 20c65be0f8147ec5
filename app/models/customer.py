"""Customers as the bank knows them, keyed by the bank's own id."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin

DEFAULT_TIMEZONE = "Asia/Shanghai"
# How the bank groups customers; responses keep the segment the customer had when answering.
SEGMENTS = ("mass", "private", "vip", "business")


class Customer(IdMixin, CreatedMixin, Base):
    __tablename__ = "customer"

    external_id: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(10), default="en")
    segment: Mapped[str] = mapped_column(sa.String(20), default="mass")
    timezone: Mapped[str] = mapped_column(sa.String(60), default=DEFAULT_TIMEZONE)
    opted_out_at: Mapped[datetime | None]
    # Where else the bank reaches them: a mobile in E.164 (+8613800138000) for SMS, the openid
    # the bank's WeChat official account knows them by, and the channel they said they prefer.
    mobile: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    wechat_openid: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    preferred_channel: Mapped[str | None] = mapped_column(sa.String(10))
