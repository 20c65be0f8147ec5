"""Staff accounts: passwords kept only as hashes, sessions that end when the password changes."""

from __future__ import annotations

import functools
import hmac
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import Department, PasswordReset, Role, User
from app.models.org import new_session_stamp

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request to create an account or key that cannot be honoured, with the reason."""


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    department_code: str | None = None,
    name: str = "",
) -> User:
    """A new staff account; staff must belong to a department."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}: use admin, cx_manager or staff")
    department = None
    if department_code:
        department = session.scalar(sa.select(Department).where(Department.code == department_code))
        if department is None:
            raise AccountError(f"unknown department {department_code!r}")
    if role == Role.STAFF and department is None:
        raise AccountError("staff users need --department")
    check_password_policy(password)
    email = email.strip().lower()
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"a user with e-mail {email} exists already")
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        role=role,
        department=department,
    )
    session.add(user)
    session.flush()
    return user


def check_password_policy(password: str) -> None:
    """The one password rule, for new accounts and new passwords alike."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")


def set_password(session: Session, user: User, password: str, *, now: datetime) -> None:
    """Change a password. Every session signed in with the old one ends, and every reset link
    still open for the account stops working."""
    check_password_policy(password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
    end_reset_links(session, user.id, now=now)


def end_sessions(user: User) -> None:
    """Every session of the user, on any device, stops working at its next request."""
    user.session_stamp = new_session_stamp()


def end_reset_links(session: Session, user_id: int, *, now: datetime) -> None:
    """Spend every reset link the account still has open."""
    session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.spent_at.is_(None))
        .values(spent_at=now)
        .execution_options(synchronize_session=False)
    )


def user_for_session(session: Session, session_id: str) -> User | None:
    """The active user a session names, if it still matches their session generation."""
    user_id, _, key = session_id.partition(":")
    if not (user_id.isdecimal() and key):
        return None  # a session from before generations existed: sign in again
    user = session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_key(), key):
        return None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None without saying which part was wrong."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        spend_hash_time(password)  # same work either way: no account probing
        return None
    return user if check_password_hash(user.password_hash, password) else None


def spend_hash_time(password: str) -> None:
    """Check a password against a dummy hash: the time a real check takes, and nothing else."""
    check_password_hash(_dummy_hash(), password)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("timing-equaliser")
