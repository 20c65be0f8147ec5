"""SQLite settings for the embedded default: WAL and a busy timeout, so web and worker share it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.services.database.sqlite_turns import connection_class_for


def tune_sqlite(engine: sa.Engine) -> None:
    """WAL lets readers run during a write; the busy timeout makes a writer wait, not fail.

    Writers of a database file take turns on a file lock (`sqlite_turns`) so a waiting writer
    starts when the last one commits, not when SQLite's busy handler next wakes up.
    """
    connection_class = connection_class_for(engine.url.database or "")
    if connection_class is not None:

        @sa.event.listens_for(engine, "do_connect")
        def _take_turns(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
            params["factory"] = connection_class

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
