"""Rate limits kept in the database, so every web process and worker sees the same counts.

A failure is counted with one atomic upsert (INSERT … ON CONFLICT DO UPDATE on PostgreSQL and
SQLite alike): two processes failing at the same moment both count, and no read-then-write race
lets an attacker slip extra attempts between processes. Only failures write; a request from a
source in good standing costs one primary-key read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Throttle
from app.models.base import UTCDateTime
from app.services.database.upsert import dialect_insert


@dataclass(frozen=True)
class Limit:
    """`failures` within `window` block the source for `block`."""

    failures: int
    window: timedelta
    block: timedelta

    def __post_init__(self) -> None:
        if self.failures < 2:
            raise ValueError("a limit allows at least one failure before it blocks")


def key_for(kind: str, source: str) -> str:
    """A throttle key; the source is hashed so no e-mail address or IP is stored in clear."""
    return f"{kind}:{hashlib.sha256(source.strip().lower().encode()).hexdigest()[:40]}"


def is_blocked(session: Session, keys: list[str], *, now: datetime) -> bool:
    """Whether any of these sources is blocked at this moment."""
    return (
        session.scalar(
            sa.select(Throttle.key).where(Throttle.key.in_(keys), Throttle.blocked_until > now)
        )
        is not None
    )


def record_failure(session: Session, key: str, limit: Limit, *, now: datetime) -> None:
    """Count one failure; the one that reaches the limit blocks the source."""
    stale = Throttle.window_started_at < now - limit.window
    insert = dialect_insert(session, Throttle).values(key=key, failures=1, window_started_at=now)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[Throttle.key],
            set_={
                "failures": sa.case((stale, 1), else_=Throttle.failures + 1),
                "window_started_at": sa.case(
                    (stale, sa.literal(now, UTCDateTime())), else_=Throttle.window_started_at
                ),
                "blocked_until": sa.case(
                    (
                        sa.and_(~stale, Throttle.failures + 1 >= limit.failures),
                        sa.literal(now + limit.block, UTCDateTime()),
                    ),
                    else_=Throttle.blocked_until,
                ),
            },
        )
    )


def clear(session: Session, key: str) -> None:
    """Forget a source's failures (after a successful sign-in)."""
    session.execute(sa.delete(Throttle).where(Throttle.key == key))


def forget_expired(session: Session, *, now: datetime, older_than: timedelta) -> int:
    """Drop counters that no longer block and whose window is long over."""
    result = session.execute(
        sa.delete(Throttle).where(
            Throttle.window_started_at < now - older_than,
            sa.or_(Throttle.blocked_until.is_(None), Throttle.blocked_until < now),
        )
    )
    return result.rowcount
