"""PostgreSQL settings for every connection the app opens."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def tune_postgresql(engine: sa.Engine) -> None:
    """JIT off: the dashboard's aggregates over a month of rows are costed above PostgreSQL's
    JIT threshold, and compiling them took ~100 ms each, more than they run (EXPLAIN ANALYZE on
    1M responses); no query here is long enough to win it back."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()  # a SET in a transaction rolled back later would be undone
