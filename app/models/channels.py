"""How surveys reach customers beyond e-mail: SMS and WeChat settings, shared provider tokens,
and the QR posters a branch puts up for anonymous answers.

Secrets (an SMS platform's password, a cloud key, a WeChat app secret) are never stored here:
they come from the environment only (see app/config.py), so a database copy holds none.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, IdMixin
from app.models.survey import Touchpoint

SMS_PROVIDERS = ("http", "cloud")  # the bank's own HTTP platform, or Tencent Cloud SMS


class ChannelSettings(Base):
    """The bank's SMS and WeChat settings, changed by an admin. One row (id 1)."""

    __tablename__ = "channel_settings"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    sms_provider: Mapped[str] = mapped_column(sa.String(10), default="")  # "": SMS is off
    # The signature every Chinese SMS must carry, e.g. 【翠港银行】.
    sms_signature: Mapped[str] = mapped_column(sa.String(40), default="")
    # The texts, with {touchpoint} and {link}; the opt-out line is added after them.
    sms_text_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    sms_text_en: Mapped[str] = mapped_column(sa.String(300), default="")
    sms_opt_out_keyword: Mapped[str] = mapped_column(sa.String(10), default="TD")
    # The bank's own SMS platform: where to call, how, and the body with its placeholders.
    sms_http_url: Mapped[str] = mapped_column(sa.String(500), default="")
    sms_http_method: Mapped[str] = mapped_column(sa.String(6), default="POST")
    sms_http_body: Mapped[str] = mapped_column(sa.Text, default="")
    # Tencent Cloud SMS: the SMS app and the approved templates (zh and en) and region.
    sms_cloud_app_id: Mapped[str] = mapped_column(sa.String(40), default="")
    sms_cloud_template_zh: Mapped[str] = mapped_column(sa.String(40), default="")
    sms_cloud_template_en: Mapped[str] = mapped_column(sa.String(40), default="")
    sms_cloud_region: Mapped[str] = mapped_column(sa.String(40), default="ap-guangzhou")
    # The bank's WeChat official account and its approved template message.
    wechat_app_id: Mapped[str] = mapped_column(sa.String(40), default="")
    wechat_template_id: Mapped[str] = mapped_column(sa.String(80), default="")
    # A message with no delivery receipt after this long counts as undelivered.
    receipt_wait_minutes: Mapped[int] = mapped_column(default=30)


class ProviderToken(Base):
    """A provider's access token (WeChat's), shared by every worker so only one fetches it.

    `refreshing_until` is a lease: the worker that set it fetches the new token while the others
    keep using the old one until it is replaced.
    """

    __tablename__ = "provider_token"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, default="")
    expires_at: Mapped[datetime | None]
    refreshing_until: Mapped[datetime | None]


class BranchPoster(IdMixin, CreatedMixin, Base):
    """A QR code printed for one branch and touchpoint: whoever scans it answers anonymously."""

    __tablename__ = "branch_poster"

    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    touchpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("touchpoint.id"))
    branch: Mapped[str] = mapped_column(sa.String(80))
    retired_at: Mapped[datetime | None]

    touchpoint: Mapped[Touchpoint] = relationship()


class PosterAnswer(IdMixin, CreatedMixin, Base):
    """One anonymous answer through a poster: who answered is kept only as keyed hashes of the
    device's cookie and the network, enough to refuse a second answer the same day."""

    __tablename__ = "poster_answer"
    __table_args__ = (
        sa.UniqueConstraint("poster_id", "device", "day"),
        sa.Index("ix_poster_answer_network", "network", "created_at"),
    )

    poster_id: Mapped[int] = mapped_column(sa.ForeignKey("branch_poster.id"))
    device: Mapped[str] = mapped_column(sa.String(64))
    network: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date]
