"""The audit log: every view, change and export of a case, append-only and hash-chained.

`record()` queues an entry on the session; the entries are chained and written just before
that session commits, in the same transaction, so an entry exists exactly when the thing it
records does. Chaining takes the one chain-head row with an UPDATE … RETURNING: on PostgreSQL
the row lock makes concurrent writers take turns (each sees the committed head), on SQLite the
UPDATE takes the database's write lock. Taking it last, at commit, keeps it held for
milliseconds and means it is never held while waiting for a case row, so it cannot deadlock.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical JSON of the entry,
so editing, removing or reordering any entry breaks every hash after it; the head row holds the
last hash, so cutting the tail shows too. `verify()` walks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction

from app.models import AuditEntry, AuditHead, User, utcnow
from app.services.database.upsert import dialect_insert

HEAD_ID = 1
GENESIS = "0" * 64
_PENDING = "audit_pending"
_acting_as: ContextVar[str | None] = ContextVar("audit_acting_as", default=None)


@dataclass(frozen=True)
class _Pending:
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    detail: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Log that `actor` did `action` to `subject` (e.g. "case:12"); written when `session`
    commits, discarded if it rolls back. `detail` must hold no customer words or contacts."""
    canonical = json.loads(json.dumps(detail or {}, sort_keys=True, default=str))
    entry = _Pending(at or utcnow(), actor, action, subject, canonical)
    session.info.setdefault(_PENDING, []).append(entry)


def actor_of(user: User | None) -> str:
    """Who acts: a staff user, the bank system whose key is in use, or Touchloop itself."""
    if user is not None:
        return f"user:{user.id}"
    return _acting_as.get() or "system"


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Name the actor for changes made without a staff user (an API key, an operator's CLI)."""
    token = _acting_as.set(actor)
    try:
        yield
    finally:
        _acting_as.reset(token)


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 of the previous hash and the entry's canonical JSON."""
    body = json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.astimezone(UTC).isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "subject": entry.subject,
            "detail": entry.detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


@sa.event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    last_seq, prev_hash = _advance_head(session, len(pending))
    for seq, item in enumerate(pending, start=last_seq - len(pending) + 1):
        entry = AuditEntry(seq=seq, prev_hash=prev_hash, **asdict(item))
        entry.hash = prev_hash = entry_hash(prev_hash, entry)
        session.add(entry)
    session.execute(
        sa.update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(hash=prev_hash)
        .execution_options(synchronize_session=False)
    )


@sa.event.listens_for(Session, "after_soft_rollback")
def _discard_pending(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_PENDING, None)


def _advance_head(session: Session, count: int) -> tuple[int, str]:
    """Lock the chain head, move it on by `count`; the new last seq and the hash before."""
    advance = (
        sa.update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + count)
        .returning(AuditHead.seq, AuditHead.hash)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(advance).one_or_none()
    if row is None:  # the first entry ever: create the head, whoever gets there first
        create = dialect_insert(session, AuditHead).values(id=HEAD_ID, seq=0, hash=GENESIS)
        session.execute(create.on_conflict_do_nothing(index_elements=[AuditHead.id]))
        row = session.execute(advance).one()
    return row.seq, row.hash


@dataclass(frozen=True)
class Verdict:
    entries: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch: int = 1000) -> Verdict:
    """Walk the chain in order; the first entry whose place, link or hash is wrong."""
    expected_seq, prev_hash, seen = 1, GENESIS, 0
    in_order = sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    with session.execute(in_order) as rows:  # closes the server-side cursor on early return
        for entry in rows.scalars():
            if entry.seq != expected_seq:
                return Verdict(seen, expected_seq, f"entry {expected_seq} is missing")
            if entry.prev_hash != prev_hash:
                return Verdict(seen, entry.seq, "it does not link to the entry before it")
            if entry_hash(prev_hash, entry) != entry.hash:
                return Verdict(seen, entry.seq, "its content does not match its hash")
            expected_seq, prev_hash, seen = expected_seq + 1, entry.hash, seen + 1
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.seq != seen or head.hash != prev_hash):
        return Verdict(seen, seen + 1, f"the chain should go on to entry {head.seq}")
    return Verdict(seen)
