"""Rows every API request reads, remembered for a few seconds by each process.

The API key a request came with and the touchpoint its event names change rarely, yet reading
them was two of a single event's five statements. A process keeps each such row it has read
for `REMEMBERED_FOR`: a change made in this process (a key revoked, a touchpoint edited)
applies at once, because the change forgets what was remembered; one made by another process
(the `api-key revoke` command, an admin's edit served by the other web worker) applies within
`REMEMBERED_FOR`. Only rows found are kept, so the memory holds at most the live keys and the
active touchpoints. Time is the caller's `now`, like everywhere in the services, so tests move
it without patching a clock; cachetools' TTLCache reads a clock of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

REMEMBERED_FOR = timedelta(seconds=5)
Key = TypeVar("Key")
Value = TypeVar("Value")


class Remembered(Generic[Key, Value]):
    """Values read at a moment, given back until `REMEMBERED_FOR` has passed."""

    def __init__(self) -> None:
        self._values: dict[Key, tuple[datetime, Value]] = {}
        _EVERY.append(self)

    def get(self, key: Key, now: datetime) -> Value | None:
        """The value remembered for `key`; None if there is none, or it is too old to trust."""
        found = self._values.get(key)
        if found is None:
            return None
        read_at, value = found
        if not read_at <= now < read_at + REMEMBERED_FOR:  # a clock set back trusts nothing
            return None
        return value

    def put(self, key: Key, value: Value, now: datetime) -> None:
        self._values[key] = (now, value)

    def forget(self) -> None:
        """Drop everything: called by the change that makes it wrong."""
        self._values.clear()


_EVERY: list[Remembered[Any, Any]] = []


def forget_everything() -> None:
    """What every `Remembered` holds, dropped (a test's data is gone once it ends)."""
    for remembered in _EVERY:
        remembered.forget()
