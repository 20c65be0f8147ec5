"""SQLite settings for the embedded default: WAL and a busy timeout, so web and worker share it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def tune_sqlite(engine: sa.Engine) -> None:
    """WAL lets readers run during a write; the busy timeout makes a writer wait, not fail."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
