"""Which channel carries an invitation: the touchpoint's order, the customer's addresses and wish.

A touchpoint lists the channels to invite by, in order. The first one that can reach this
customer wins (an address for it, and the bank has it set up), except that a channel the
customer prefers goes first when the touchpoint lists it. A channel already tried for this
invitation is never tried again, so a fallback walks down the list once. "link" is not a
message: the bank's app asks for the link itself (see distribution.in_app), so it is never
chosen here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

LINK = "link"
# Which address each message channel needs, and how a reason names it.
ADDRESS = {"email": "email", "sms": "mobile", "wechat": "wechat_openid"}
ADDRESS_NAME = {"email": "e-mail address", "sms": "mobile number", "wechat": "WeChat openid"}


@dataclass(frozen=True)
class Addresses:
    """How the bank can reach one customer."""

    email: str | None = None
    mobile: str | None = None
    wechat_openid: str | None = None
    preferred: str | None = None

    def has(self, channel: str) -> bool:
        field = ADDRESS.get(channel)
        return field is not None and bool(getattr(self, field))


@dataclass(frozen=True)
class Choice:
    """The channel to use, or None and why none can be used."""

    channel: str | None
    reason: str = ""


def choose_channel(
    order: Sequence[str],
    addresses: Addresses,
    *,
    ready: Collection[str],
    tried: Collection[str] = (),
) -> Choice:
    """The first channel of `order` (the preferred one first) that is set up, untried and has
    an address; otherwise why not: the addresses missing, or that none is left to try."""
    candidates = [c for c in order if c in ready and c != LINK and c not in tried]
    if addresses.preferred in candidates:
        candidates.remove(addresses.preferred)
        candidates.insert(0, addresses.preferred)
    for channel in candidates:
        if addresses.has(channel):
            return Choice(channel)
    if not candidates:
        return Choice(None, "no channel left to try")
    return Choice(None, "customer has no " + " or ".join(ADDRESS_NAME[c] for c in candidates))
