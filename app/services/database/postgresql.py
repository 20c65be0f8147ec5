"""PostgreSQL settings for every connection the app opens, and how a lost server is noticed."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

# Set on a pooled connection when it goes back to the pool.
IDLE_SINCE = "touchloop_idle_since"


def tune_postgresql(engine: sa.Engine, *, ping_after_idle: float) -> None:
    """JIT off, and a pooled connection tested before use only when it has sat idle.

    JIT: the dashboard's aggregates over a month of rows are costed above PostgreSQL's JIT
    threshold, and compiling them took ~100 ms each, more than they run (EXPLAIN ANALYZE on
    1M responses); no query here is long enough to win it back.

    A restarted server leaves dead sockets in the pool. SQLAlchemy's pool_pre_ping finds them
    with a round trip on every checkout, which cost a busy server a tenth of its events a
    second; a restart is noticed just as well by pinging only connections idle for more than
    `ping_after_idle` seconds. A connection in steady use that meets a restart fails its
    request with the 503 of app/web/availability.py, and SQLAlchemy then retires every connection
    opened before it, so each process answers at most one request that way.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()  # a SET in a transaction rolled back later would be undone

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop(IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since <= ping_after_idle:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out a fresh one.
            raise sa.exc.DisconnectionError("the server closed an idle connection") from error
