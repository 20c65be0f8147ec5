"""Staff accounts and API keys: secrets are shown once and stored only as hashes."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import ApiKey, Department, PasswordReset, Role, User
from app.models.org import new_session_stamp
from app.services.remembered import Remembered
from app.services.statements import connection_of

KEY_PREFIX = "tl_"
USE_RESOLUTION = timedelta(minutes=1)
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
    """Change a password. A new session stamp ends every session signed in with the old one,
    and every reset link still open for the account stops working."""
    check_password_policy(password)
    user.password_hash = generate_password_hash(password)
    user.session_stamp = new_session_stamp()
    end_reset_links(session, user.id, now=now)


def end_reset_links(session: Session, user_id: int, *, now: datetime) -> None:
    """Spend every reset link the account still has open."""
    session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.spent_at.is_(None))
        .values(spent_at=now)
        .execution_options(synchronize_session=False)
    )


def user_for_session(session: Session, session_id: str) -> User | None:
    """The user a session names, if it was signed in since their password last changed."""
    user_id, _, stamp = session_id.partition(":")
    if not (user_id.isdecimal() and stamp):
        return None  # a session from before stamps existed: sign in again
    user = session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_stamp, stamp):
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


SCOPES = ("events:write", "metrics:read", "cases:read", "cases:write")


DEFAULT_SCOPES = ("events:write", "metrics:read")


def create_api_key(
    session: Session, name: str, scopes: tuple[str, ...] = DEFAULT_SCOPES
) -> tuple[ApiKey, str]:
    """A new key and its secret, which is returned this once and never stored."""
    if session.scalar(sa.select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise AccountError(f"an API key named {name!r} exists already")
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise AccountError(f"scopes must be some of {', '.join(SCOPES)}")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=secret[:10], key_hash=_digest(secret), scopes=sorted(scopes))
    session.add(key)
    session.flush()
    return key, secret


def revoke_api_key(session: Session, name: str, *, now: datetime) -> ApiKey:
    """Stop a key from working: at once in this process, within seconds in the others.

    It stays listed, marked revoked.
    """
    key = session.scalar(sa.select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise AccountError(f"no API key named {name!r}")
    key.revoked_at = key.revoked_at or now
    LIVE_KEYS.forget()
    return key


def api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.name)))


class LiveKey(NamedTuple):
    """What a request needs of the key it came with."""

    id: int
    name: str
    scopes: list[str]
    last_used_at: datetime | None


# Built once, and read as plain columns: every API request runs it.
LIVE_KEY = sa.select(ApiKey.id, ApiKey.name, ApiKey.scopes, ApiKey.last_used_at).where(
    ApiKey.key_hash == sa.bindparam("key_hash"), ApiKey.revoked_at.is_(None)
)
NOTE_USE = (
    sa.update(ApiKey.__table__)
    .where(ApiKey.__table__.c.id == sa.bindparam("key_id"))
    .values(last_used_at=sa.bindparam("now"))
)


LIVE_KEYS: Remembered[str, LiveKey] = Remembered()  # by the secret's digest


def api_key_for(session: Session, secret: str, *, now: datetime) -> LiveKey | None:
    """The live key for a presented secret, read at most once in a few seconds per process."""
    digest = _digest(secret)
    key = LIVE_KEYS.get(digest, now)
    if key is None:
        key = _live_key(session, digest, now)
        if key is not None:
            LIVE_KEYS.put(digest, key, now)
    return key


def _live_key(session: Session, digest: str, now: datetime) -> LiveKey | None:
    """The key from the database, noting its use."""
    connection = connection_of(session)
    row = connection.execute(LIVE_KEY, {"key_hash": digest}).first()
    if row is None:
        return None
    key = LiveKey(*row)
    if key.last_used_at is None or now - key.last_used_at > USE_RESOLUTION:
        # To the minute: not one extra write per API request.
        connection.execute(NOTE_USE, {"key_id": key.id, "now": now})
    return key


def _digest(secret: str) -> str:
    # The secret carries 256 random bits, so a fast hash is enough; no salt is needed.
    return hashlib.sha256(secret.encode()).hexdigest()
