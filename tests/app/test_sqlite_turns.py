"""SQLite writers take turns: a waiting writer starts when the last commits, and never hangs."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.services.database import sqlite_turns
from app.services.database.sqlite import tune_sqlite
from app.services.database.sqlite_turns import connection_class_for, turns_for

SHORT_BUSY_TIMEOUT = "PRAGMA busy_timeout=50"  # ms: far shorter than any wait below


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = engine_on(tmp_path / "turns.db")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (id INTEGER PRIMARY KEY)")
    yield engine
    engine.dispose()


def engine_on(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    tune_sqlite(engine)
    return engine


def write_note(engine: sa.Engine, note_id: int) -> None:
    """One short write, by a writer that would give up on SQLite's lock after 50 ms."""
    with engine.begin() as connection:
        connection.exec_driver_sql(SHORT_BUSY_TIMEOUT)
        connection.exec_driver_sql(f"INSERT INTO note (id) VALUES ({note_id})")


def notes(engine: sa.Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.exec_driver_sql("SELECT id FROM note ORDER BY id").scalars())


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, dict[str, object]]:
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            work()
            outcome["finished_at"] = time.monotonic()
        except Exception as error:  # the test asserts on it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_writer_waits_for_its_turn_longer_than_the_busy_timeout_and_then_writes(
    engine: sa.Engine,
) -> None:
    first = engine.connect()
    first.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
    thread, outcome = in_thread(lambda: write_note(engine, 2))
    time.sleep(0.3)
    assert thread.is_alive(), f"the second writer did not wait: {outcome}"
    committed_at = time.monotonic()
    first.commit()
    first.close()
    thread.join(5)
    assert "error" not in outcome
    assert outcome["finished_at"] >= committed_at  # type: ignore[operator]
    assert notes(engine) == [1, 2]


def _commit(connection: sa.Connection) -> None:
    connection.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
    connection.commit()


def _roll_back(connection: sa.Connection) -> None:
    connection.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
    connection.rollback()


def _close(connection: sa.Connection) -> None:
    connection.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
    connection.close()


def _fail_then_roll_back(connection: sa.Connection) -> None:
    connection.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
    with pytest.raises(sa.exc.IntegrityError):
        connection.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
    connection.rollback()


def _autocommit(connection: sa.Connection) -> None:
    connection.execution_options(isolation_level="AUTOCOMMIT")
    connection.exec_driver_sql("INSERT INTO note (id) VALUES (1)")


@pytest.mark.parametrize(
    "end",
    [_commit, _roll_back, _close, _fail_then_roll_back, _autocommit],
    ids=lambda f: f.__name__,
)
def test_however_a_write_ends_the_next_writer_gets_its_turn(
    engine: sa.Engine, end: Callable[[sa.Connection], None]
) -> None:
    connection = engine.connect()
    end(connection)
    thread, outcome = in_thread(lambda: write_note(engine, 2))
    thread.join(5)
    assert not thread.is_alive(), "the turn was not given back"
    assert "error" not in outcome
    connection.close()


def test_two_connections_of_one_thread_fall_back_to_the_busy_timeout_instead_of_hanging(
    engine: sa.Engine,
) -> None:
    def two_writers_in_this_thread() -> None:
        with engine.begin() as first:
            first.exec_driver_sql("INSERT INTO note (id) VALUES (1)")
            write_note(engine, 2)

    thread, outcome = in_thread(two_writers_in_this_thread)
    thread.join(5)
    assert not thread.is_alive(), "the thread waited on itself"
    assert isinstance(outcome["error"], sa.exc.OperationalError)
    assert "database is locked" in str(outcome["error"])
    assert notes(engine) == []


def _write_from_a_fresh_engine(path: str) -> None:
    engine = engine_on(Path(path))
    write_note(engine, 2)
    engine.dispose()


def test_a_forked_process_takes_turns_with_its_parent_not_shares_them(engine: sa.Engine) -> None:
    """A child inherits its parent's lock file handle; sharing it would let both write at once.

    The parent holds the turn itself: SQLite forbids carrying an open connection across fork,
    so the parent's connections are closed first, as gunicorn's master does before forking.
    """
    write_note(engine, 1)
    engine.dispose()
    database = engine.url.database
    turns = turns_for(connection_class_for(database).turns_path)
    turns.take()
    child = multiprocessing.get_context("fork").Process(
        target=_write_from_a_fresh_engine, args=(database,)
    )
    child.start()
    time.sleep(0.3)
    assert child.is_alive(), "the child wrote during its parent's turn"
    turns.give_back()
    child.join(10)
    assert child.exitcode == 0
    assert notes(engine) == [1, 2]


def test_a_process_checkpoints_every_so_often_once_it_has_handed_its_turn_on(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy of the log into the database, and its fsyncs, no longer hold the next writer up."""
    monkeypatch.setattr(sqlite_turns, "CHECKPOINT_EVERY", 4)
    lock_path = connection_class_for(engine.url.database).turns_path
    turn_at_checkpoints: list[str] = []

    def note_turn(statement: str) -> None:
        if statement.startswith("PRAGMA wal_checkpoint"):
            probe = os.open(lock_path, os.O_RDWR)
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                turn_at_checkpoints.append("free")
            except BlockingIOError:
                turn_at_checkpoints.append("held")
            finally:
                os.close(probe)

    with engine.connect() as connection:
        connection.connection.dbapi_connection.set_trace_callback(note_turn)
        for note_id in range(8):
            connection.exec_driver_sql(f"INSERT INTO note (id) VALUES ({note_id})")
            connection.commit()
    assert turn_at_checkpoints == ["free", "free"]
