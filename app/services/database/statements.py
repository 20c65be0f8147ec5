"""Prebuilt Core statements run from services that hold an ORM session, on its transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session


def connection_of(session: Session) -> sa.Connection:
    """The session's connection, after the autoflush Session.execute would have done.

    The hot paths (a survey link, its answer, an event, an API key) run their statements here:
    the ORM's handling around Session.execute cost more than most of those statements. The
    flush keeps one thing of it: a change made through the ORM and not yet flushed (the demo
    loader and tests do that) is seen by the statement, as it would be through the session.
    """
    if session.autoflush:
        session.flush()
    return session.connection()
