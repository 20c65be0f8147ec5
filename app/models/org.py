"""The bank's side: departments, staff users and the API keys of its systems."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, IdMixin


class Role(enum.StrEnum):
    ADMIN = "admin"
    CX_MANAGER = "cx_manager"
    STAFF = "staff"


class Department(IdMixin, CreatedMixin, Base):
    __tablename__ = "department"

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    # How the team hears of new cases: "immediate" (an e-mail each), "digest" (one a day), "off".
    notify_mode: Mapped[str] = mapped_column(sa.String(10), default="immediate")
    notify_email: Mapped[str | None] = mapped_column(sa.String(254))  # team mailbox, if any
    last_digest_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)  # a retired department keeps its history


def new_session_stamp() -> str:
    return secrets.token_hex(16)


class User(UserMixin, IdMixin, CreatedMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'cx_manager', 'staff')", name="role_known"),
        sa.CheckConstraint("role <> 'staff' OR department_id IS NOT NULL", name="staff_department"),
    )

    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    locale: Mapped[str] = mapped_column(sa.String(10), default="en")
    timezone: Mapped[str | None] = mapped_column(sa.String(64))  # None: the bank's
    active: Mapped[bool] = mapped_column(default=True)
    heads_department: Mapped[bool] = mapped_column(default=False)  # receives escalations
    # Drawn anew at sign-out and on a new password; a session carries a digest of it (see
    # session_key), so every session signed in before ends.
    session_stamp: Mapped[str] = mapped_column(sa.String(32), default=new_session_stamp)

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login asks this on every request
        return self.active

    def session_key(self) -> str:
        """The session generation: what a session must still match to stay signed in.

        It changes with the stamp (a sign-out, a new password), the role, the department and
        deactivation, so each of those ends every session signed in before it, on the server.
        """
        material = f"{self.session_stamp}|{self.role}|{self.department_id}|{self.active}"
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the generation it must match."""
        return f"{self.id}:{self.session_key()}"

    @property
    def sees_all_departments(self) -> bool:
        return self.role in (Role.ADMIN, Role.CX_MANAGER)


class PasswordReset(IdMixin, CreatedMixin, Base):
    """A reset link sent to a user; only the SHA-256 of its token is kept.

    `spent_at` is when it stopped working: used, replaced by a newer request, or the password
    changed by any other way. An unspent link also stops at `expires_at`.
    """

    __tablename__ = "password_reset"
    __table_args__ = (sa.CheckConstraint("purpose IN ('reset', 'invite')", name="purpose_known"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # "invite": an admin's invitation to set a first password; "reset": a forgotten one.
    purpose: Mapped[str] = mapped_column(sa.String(10), default="reset")
    expires_at: Mapped[datetime]
    spent_at: Mapped[datetime | None]


class ApiKey(IdMixin, CreatedMixin, Base):
    """A bank system's credential; only a hash of the secret is kept."""

    __tablename__ = "api_key"

    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
