"""The demo's clock: everything that happened to the bank, played in time order, up to now.

An action is a function of the moment it happens; it may plan later ones. What would happen
after now has not happened yet and is dropped: a case opened yesterday is still open.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime

Action = Callable[[datetime], None]


class Story:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self._queue: list[tuple[datetime, int, Action]] = []
        self._order = itertools.count()  # equal moments keep the order they were planned in

    def at(self, when: datetime, action: Action) -> None:
        """Plan `action` for `when`, if that is in the past."""
        if when < self.now:
            heapq.heappush(self._queue, (when, next(self._order), action))

    def play(self, progress: Callable[[datetime], None] | None = None) -> None:
        """Run every planned action in time order, telling `progress` the moment reached."""
        while self._queue:
            when, _, action = heapq.heappop(self._queue)
            action(when)
            if progress:
                progress(when)
