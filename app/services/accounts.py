"""Staff accounts and API keys: secrets are shown once and stored only as hashes."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import ApiKey, Department, Role, User

KEY_PREFIX = "tl_"
USE_RESOLUTION = timedelta(minutes=1)


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
    if len(password) < 10:
        raise AccountError("passwords need at least 10 characters")
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
    """Stop a key from working at once; it stays listed, marked revoked."""
    key = session.scalar(sa.select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise AccountError(f"no API key named {name!r}")
    key.revoked_at = key.revoked_at or now
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


def api_key_for(session: Session, secret: str, *, now: datetime) -> LiveKey | None:
    """The live key for a presented secret, noting its use."""
    row = session.execute(LIVE_KEY, {"key_hash": _digest(secret)}).first()
    if row is None:
        return None
    key = LiveKey(*row)
    if key.last_used_at is None or now - key.last_used_at > USE_RESOLUTION:
        # To the minute: not one extra write per API request.
        session.execute(NOTE_USE, {"key_id": key.id, "now": now})
    return key


def _digest(secret: str) -> str:
    # The secret carries 256 random bits, so a fast hash is enough; no salt is needed.
    return hashlib.sha256(secret.encode()).hexdigest()
