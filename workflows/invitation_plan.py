"""What an event's invitation will be: when it is first due, or why it will never be sent.

Pure: the event, its touchpoint's terms and the customer in, a plan out. Planned when the event
arrives; the contact rules (`contact_rules.decide`) judge it again when it falls due.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from workflows.contact_rules import first_send_time

SCHEDULED, SUPPRESSED, EXPIRED = "scheduled", "suppressed", "expired"


class TouchpointTerms(Protocol):
    """What a touchpoint says about asking (a stored touchpoint row has these)."""

    delay_minutes: int
    send_at_local_time: str | None
    expiry_days: int
    segments: list[str] | None
    sampling_rate: float


class Plan(NamedTuple):
    send_after: datetime
    expires_at: datetime
    status: str  # scheduled, suppressed or expired
    reason: str


def plan_invitation(
    event_id: str,
    occurred_at: datetime,
    touchpoint: TouchpointTerms,
    *,
    segment: str,
    timezone: str,
    now: datetime,
) -> Plan:
    """Schedule the ask, or say at once why it will not be made."""
    due = first_send_time(
        occurred_at,
        timedelta(minutes=touchpoint.delay_minutes),
        touchpoint.send_at_local_time,
        timezone,
    )
    expires_at = due + timedelta(days=touchpoint.expiry_days)
    status, reason = SCHEDULED, ""
    if touchpoint.segments is not None and segment not in touchpoint.segments:
        status, reason = SUPPRESSED, "segment not surveyed"
    elif not sampled(event_id, touchpoint.sampling_rate):
        status, reason = SUPPRESSED, f"not sampled ({touchpoint.sampling_rate:.0%})"
    elif expires_at <= now:
        status, reason = EXPIRED, "event arrived after its survey window closed"
    return Plan(max(now, due), expires_at, status, reason)


def sampled(event_id: str, rate: float) -> bool:
    """Deterministic per event id, so a retried event gets the same answer."""
    if rate >= 1:
        return True
    bucket = int.from_bytes(hashlib.sha256(event_id.encode()).digest()[:4], "big") / 2**32
    return bucket < rate
