"""What the demo bank's customers write in their surveys.

English complaints are real ones: narratives from the US CFPB complaint database (public
domain), rewritten for this bank so that they name no other bank and carry no masked dates or
amounts; `cfpb_comments.csv` keeps the id of each source complaint. The Chinese comments, and
everyone's praise, are written for the demo (`written_comments.csv`). Each is filed under the
topic of the touchpoint it fits (accounts, cards, digital, branch, service, loans, complaints).
"""

from __future__ import annotations

import csv
import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
CFPB = HERE / "cfpb_comments.csv"
WRITTEN = HERE / "written_comments.csv"


@dataclass(frozen=True)
class Comments:
    complaints: dict[str, list[str]]  # topic -> English complaints from the CFPB
    written: dict[tuple[str, str, str], list[str]]  # (topic, band, language) -> comments

    def pick(self, rng: random.Random, topic: str, band: str, language: str) -> str:
        """A comment of this mood (detractor, passive, promoter) in the customer's language."""
        if band == "detractor" and language == "en":
            return rng.choice(self.complaints[topic])
        return rng.choice(self.written[(topic, band, language)])

    def every(self) -> Iterator[str]:
        """Every comment the demo may write, to check them all."""
        for texts in (*self.complaints.values(), *self.written.values()):
            yield from texts


@functools.cache
def comments() -> Comments:
    complaints: dict[str, list[str]] = {}
    for row in _rows(CFPB):
        complaints.setdefault(row["topic"], []).append(row["comment"])
    written: dict[tuple[str, str, str], list[str]] = {}
    for row in _rows(WRITTEN):
        written.setdefault((row["topic"], row["band"], row["language"]), []).append(row["comment"])
    return Comments(complaints, written)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
