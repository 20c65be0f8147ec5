"""API keys of the bank's systems: the secret is shown once and stored only as a hash.

Operators create and revoke keys on the command line; admins in the console, where each is on
the audit log (`issue_api_key`, `withdraw_api_key`) by name and scopes, never by secret.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import ApiKey
from app.services.accounts.users import AccountError
from app.services.database.paging import Page, page_of
from app.services.database.remembered import Remembered
from app.services.database.statements import connection_of
from app.services.governance.edits import record_action

KEY_PREFIX = "tl_"
USE_RESOLUTION = timedelta(minutes=1)

SCOPES = ("events:write", "metrics:read", "cases:read", "cases:write")


DEFAULT_SCOPES = ("events:write", "metrics:read")


class KeyNameTaken(AccountError):
    """Another key has the name: names tell keys apart, on the list and on the audit log."""


def create_api_key(
    session: Session, name: str, scopes: tuple[str, ...] = DEFAULT_SCOPES
) -> tuple[ApiKey, str]:
    """A new key and its secret, which is returned this once and never stored."""
    if session.scalar(sa.select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise KeyNameTaken(f"an API key named {name!r} exists already")
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
    _revoke(key, now)
    return key


def _revoke(key: ApiKey, now: datetime) -> None:
    key.revoked_at = key.revoked_at or now
    LIVE_KEYS.forget()


def issue_api_key(
    session: Session, name: str, scopes: tuple[str, ...], *, actor: str
) -> tuple[ApiKey, str]:
    """An admin's new key and its secret; the audit log gets its name and scopes only."""
    key, secret = create_api_key(session, name, scopes)
    record_action(session, actor=actor, action="api_key.create", subject=f"api_key:{key.id}",
                  name=key.name, scopes=key.scopes)  # fmt: skip
    return key, secret


def withdraw_api_key(session: Session, key: ApiKey, *, actor: str, now: datetime) -> None:
    """An admin revokes a key (see revoke_api_key), on the audit log; a revoked key stays so."""
    if key.revoked_at is None:
        _revoke(key, now)
        session.flush()
        record_action(session, actor=actor, action="api_key.revoke", subject=f"api_key:{key.id}",
                      name=key.name)  # fmt: skip


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key, by name, revoked ones included."""
    return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.name)))


def key_page(session: Session, number: int, search: str = "") -> Page[ApiKey]:
    """One page of keys whose name holds `search`: the working ones first, each by name."""
    query = sa.select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.name)
    if search:
        query = query.where(ApiKey.name.ilike(f"%{search}%"))
    return page_of(session, query, number)


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
