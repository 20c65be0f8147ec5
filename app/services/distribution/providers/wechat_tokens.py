"""WeChat's access token, shared by every worker through one `provider_token` row.

An official account has one valid access token at a time, good for two hours, and WeChat caps
how many it hands out a day: workers that each fetched their own would spend the cap and make
each other's tokens invalid. So the token lives in the database. The worker that finds it
missing or within five minutes of expiry takes a short lease (`refreshing_until`, claimed by a
conditional UPDATE, as row claims are) and fetches the next one; the others keep using the
current token meanwhile (WeChat accepts the old one for five minutes after a new one is issued)
or, when there is none, wait briefly for it.

The row is read and written in short transactions of its own, committed at once, never in the
caller's: the lease must be seen by the other workers while the fetch is under way, and a token
once fetched must outlive the caller's rollback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from wechatpy.session import SessionStorage

from app.models import ProviderToken, utcnow
from app.services.database.upsert import dialect_insert

WECHAT = "wechat"
REFRESH_AHEAD = timedelta(minutes=5)  # a token this close to expiry is replaced
LEASE = timedelta(seconds=30)  # longer than a fetch may take (PROVIDER_TIMEOUT_SECONDS)
POLL_SECONDS = 0.1

# Fetches a new token from the provider: the token and how many seconds it lives.
Fetch = Callable[[], tuple[str, int]]


class TokenUnavailable(Exception):
    """No token can be had now (WeChat refused or did not answer, or another worker's fetch is
    late): the message waits for its next try."""


@dataclass
class SharedToken:
    """One provider's token as every worker sees it: `current()` to use, `invalidate()` when the
    provider says it no longer holds."""

    engine: sa.Engine
    fetch: Fetch
    name: str = WECHAT
    clock: Callable[[], datetime] = utcnow
    wait_seconds: float = 10.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def current(self) -> str:
        """A usable token: the stored one, or a new one fetched by this worker or another."""
        give_up = time.monotonic() + self.wait_seconds
        while True:
            value, expires_at = self._read()
            now = self.clock()
            if value and expires_at is not None and expires_at - now > REFRESH_AHEAD:
                return value
            if self._claim_lease(now):
                return self._refresh()
            if value and expires_at is not None and expires_at > now:
                return value  # another worker is fetching its successor
            if time.monotonic() >= give_up:
                raise TokenUnavailable("no WeChat access token yet: another worker is fetching it")
            self.sleep(POLL_SECONDS)

    def invalidate(self, stale: str) -> None:
        """Forget `stale` (WeChat called it invalid or expired) unless it was replaced already,
        so the next `current()` fetches a new one."""
        with self._transaction() as own:
            own.execute(
                sa.update(ProviderToken)
                .where(ProviderToken.name == self.name, ProviderToken.value == stale)
                .values(value="", expires_at=None)
                .execution_options(synchronize_session=False)
            )

    def _read(self) -> tuple[str, datetime | None]:
        with Session(self.engine) as own:
            row = own.execute(
                sa.select(ProviderToken.value, ProviderToken.expires_at).where(
                    ProviderToken.name == self.name
                )
            ).first()
        return (row.value, row.expires_at) if row else ("", None)

    def _claim_lease(self, now: datetime) -> bool:
        """Take the lease if the token needs replacing and no other worker holds it."""
        with self._transaction() as own:
            own.execute(
                dialect_insert(own, ProviderToken)
                .values(name=self.name, value="")
                .on_conflict_do_nothing(index_elements=["name"])
            )
            claimed = own.execute(
                sa.update(ProviderToken)
                .where(
                    ProviderToken.name == self.name,
                    sa.or_(
                        ProviderToken.value == "",
                        ProviderToken.expires_at.is_(None),
                        ProviderToken.expires_at <= now + REFRESH_AHEAD,
                    ),
                    sa.or_(
                        ProviderToken.refreshing_until.is_(None),
                        ProviderToken.refreshing_until < now,
                    ),
                )
                .values(refreshing_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            return claimed.rowcount == 1

    def _refresh(self) -> str:
        """Fetch under the lease and store the result; a failed fetch hands the lease back."""
        try:
            value, lifetime = self.fetch()
        except BaseException:
            self._store(refreshing_until=None)
            raise
        self._store(
            value=value,
            expires_at=self.clock() + timedelta(seconds=lifetime),
            refreshing_until=None,
        )
        return value

    def _store(self, **values: object) -> None:
        with self._transaction() as own:
            own.execute(
                sa.update(ProviderToken)
                .where(ProviderToken.name == self.name)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A transaction of the token's own, committed when the block ends."""
        with Session(self.engine) as own, own.begin():
            yield own


class SharedTokenStorage(SessionStorage):
    """wechatpy's token storage backed by the shared row, so a client keeps no copy of its own.

    It holds one thing only, the account's access token: `get` hands out the current one and
    `delete` forgets the one it handed out last (the client calls that when WeChat rejects it).
    A client using it never fetches a token itself, so `set` stays unsupported.
    """

    def __init__(self, token: SharedToken) -> None:
        self.token = token
        self.handed_out = ""

    def get(self, key: str, default: str | None = None) -> str:
        self.handed_out = self.token.current()
        return self.handed_out

    def delete(self, key: str) -> None:
        if self.handed_out:
            self.token.invalidate(self.handed_out)
