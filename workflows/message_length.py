"""How long an SMS is on the phone: which encoding it needs and how many segments it takes.

An SMS carries 140 bytes: 160 characters of the GSM-7 alphabet, or 70 UTF-16 code units (UCS-2)
once a single character falls outside it. A longer text is split into parts that each lose room
to the header that joins them again: 153 GSM-7 characters or 67 code units per part. A part never
splits an escaped GSM-7 character (they take two septets) or a character beyond the Basic
Multilingual Plane (two code units), so a part may hold one fewer.

Chinese is always UCS-2. So is English under a Chinese signature: the brackets 【】 are not in
the GSM-7 alphabet, so 【Harbour Bank】 alone makes an English text count 70 per segment, not 160.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Reached through the escape character, so each counts as two.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

Encoding = Literal["GSM-7", "UCS-2"]
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SmsLength:
    """The encoding a text needs, its length in that encoding's units, and the SMS it takes."""

    encoding: Encoding
    characters: int
    segments: int


def segments(text: str) -> SmsLength:
    """Measure `text` as a phone network does; an empty text still takes one SMS."""
    encoding: Encoding = "GSM-7" if all(_in_gsm7(char) for char in text) else "UCS-2"
    sizes = [_units(char, encoding) for char in text]
    total = sum(sizes)
    if total <= SINGLE[encoding]:
        return SmsLength(encoding, total, 1)
    return SmsLength(encoding, total, _parts(sizes, PART[encoding]))


def _in_gsm7(char: str) -> bool:
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def _units(char: str, encoding: Encoding) -> int:
    if encoding == "GSM-7":
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1  # a surrogate pair in UTF-16


def _parts(sizes: list[int], room: int) -> int:
    """Parts of a long text, filled in order; a character that does not fit starts a new one."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > room:
            parts, used = parts + 1, 0
        used += size
    return parts
