"""SQLite writers take turns on a file lock, so the next writer starts the moment one commits.

SQLite lets one writer in at a time and makes the others poll: its busy handler sleeps 1, 2,
5, 10 ms... between tries. With two web workers and a scheduler on one file, a writer that
arrives a tenth of a millisecond after another sleeps a whole millisecond or more, and the
sampled workers spent about a seventh of their busy time asleep there. Here a connection takes its
turn (an exclusive `flock` on `<database>-writers.lock`) before its first write statement and
gives it back when its transaction ends, so a waiting writer is woken by the kernel at once.

The busy timeout stays as the backstop: a writer that does not take turns (the sqlite3 shell,
DDL, a statement SQLite writes without a transaction) is waited for as before, and whoever
waits on it gives up after the timeout, rolls back and hands the turn on.

Copying the log back into the database (a checkpoint, with its two fsyncs) is done by a
process every CHECKPOINT_EVERY write transactions, after it has handed its turn on: SQLite's
own automatic checkpoint runs inside the commit, where it held the next writer up. A
checkpoint may run beside a writer. SQLite's own stays as a backstop for large transactions
(an event batch), at ten times its default size.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from typing import Any

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")  # those pysqlite opens a transaction for
CHECKPOINT_EVERY = 64  # write transactions of one process between its checkpoints
AUTOCHECKPOINT_BACKSTOP = 10_000  # pages in the log; SQLite's default is 1,000

log = logging.getLogger(__name__)


class WriterTurns:
    """Whose turn it is to write one database file, among this process's threads and others.

    Threads of one process queue on a lock, then the process holds the file lock for them;
    the thread lock is re-entrant so two connections of one thread fall back to SQLite's own
    busy timeout instead of waiting on each other for ever.
    """

    def __init__(self, path: str) -> None:
        self._threads = threading.RLock()
        self._held = 0
        self._file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._turns_given_back = 0

    def take(self) -> None:
        self._threads.acquire()
        try:
            if self._held == 0:
                fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._held += 1

    def give_back(self) -> bool:
        """Hand the turn on; True when this process's checkpoint is due."""
        self._held -= 1
        due = False
        if self._held == 0:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._turns_given_back += 1
            due = self._turns_given_back % CHECKPOINT_EVERY == 0
        self._threads.release()
        return due


_TURNS: dict[str, WriterTurns] = {}
_TURNS_LOCK = threading.Lock()


def turns_for(path: str) -> WriterTurns:
    """The process's turns on `path`; a forked child starts its own (its parent's are cleared)."""
    with _TURNS_LOCK:
        turns = _TURNS.get(path)
        if turns is None:
            turns = _TURNS[path] = WriterTurns(path)
        return turns


os.register_at_fork(after_in_child=_TURNS.clear)


class TurnTakingConnection(sqlite3.Connection):
    """A pysqlite connection that takes its turn before writing and gives it back at the end.

    It finds its process's turns once: SQLite forbids carrying a connection across fork.
    """

    turns_path = ""  # set on the subclass `connection_class_for` makes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns = turns_for(self.turns_path)
        self.has_turn = False
        self.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_BACKSTOP}")

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or TurnTakingCursor)

    def take_turn(self) -> None:
        if not self.has_turn:
            self._turns.take()
            self.has_turn = True

    def end_turn_unless_in_transaction(self) -> bool:
        """Hand the turn on once the transaction is over; True when a checkpoint is due."""
        return not self.in_transaction and self._end_turn()

    def _end_turn(self) -> bool:
        if not self.has_turn:
            return False
        self.has_turn = False
        return self._turns.give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            checkpoint_due = self.end_turn_unless_in_transaction()
        if checkpoint_due:
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy the log into the database while others write; PASSIVE never waits for them."""
        try:
            self.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
        except sqlite3.Error:
            log.warning("checkpoint failed; SQLite's own will run later", exc_info=True)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn_unless_in_transaction()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()


class TurnTakingCursor(sqlite3.Cursor):
    """Takes the connection's turn before a write statement; gives it back if none is open after."""

    connection: TurnTakingConnection

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self._in_turn(super().execute, sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> sqlite3.Cursor:
        return self._in_turn(super().executemany, sql, seq_of_parameters)

    def _in_turn(self, run: Any, sql: str, parameters: Any) -> sqlite3.Cursor:
        if not _writes(sql):
            return run(sql, parameters)
        self.connection.take_turn()
        try:
            return run(sql, parameters)
        finally:
            self.connection.end_turn_unless_in_transaction()


def _writes(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(WRITES)


def connection_class_for(database: str) -> type[TurnTakingConnection] | None:
    """The connection class for a database file; None in memory, where no one shares it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = os.path.abspath(database) + "-writers.lock"
    return type("TurnTakingConnection", (TurnTakingConnection,), {"turns_path": path})
