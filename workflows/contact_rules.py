"""May this customer be asked now, or when? The contact rules against survey fatigue.

Pure: the invitation and the customer's contact history in, a decision out. A throttled
invitation is deferred to the first moment every rule allows, and expires (with its reason)
only when that moment is past its expiry; nothing is dropped silently. Opt-out always wins;
a touchpoint marked `overrides_fatigue` (complaints) skips the fatigue rule and nothing else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RECHECK_AFTER = timedelta(minutes=15)


class Verdict(enum.StrEnum):
    SEND = "send"
    DEFER = "defer"
    SUPPRESS = "suppress"
    EXPIRE = "expire"


@dataclass(frozen=True)
class ContactPolicy:
    """The bank's rules; fatigue is counted in days per customer segment."""

    fatigue_days: dict[str, int] = field(default_factory=lambda: {"vip": 60, "private": 45})
    default_fatigue_days: int = 30
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)

    def fatigue(self, segment: str) -> timedelta:
        return timedelta(days=self.fatigue_days.get(segment, self.default_fatigue_days))


@dataclass(frozen=True)
class Ask:
    """The invitation being considered, with what the rules need to know of it."""

    touchpoint: str
    priority: int
    cooldown: timedelta
    overrides_fatigue: bool
    expires_at: datetime
    segment: str
    timezone: str
    opted_out: bool


@dataclass(frozen=True)
class ContactHistory:
    last_sent_at: datetime | None = None  # any touchpoint
    last_sent_here_at: datetime | None = None  # this touchpoint
    competing_priority: int | None = None  # the best other invitation due for this customer


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""
    at: datetime | None = None  # when to send, for SEND and DEFER


def decide(ask: Ask, history: ContactHistory, policy: ContactPolicy, now: datetime) -> Decision:
    """Apply every contact rule; the reasons of all rules that held the invitation are kept."""
    if ask.opted_out:
        return Decision(Verdict.SUPPRESS, "customer opted out of surveys")
    if now >= ask.expires_at:
        return Decision(Verdict.EXPIRE, "expired before it could be sent")
    earliest, reasons = now, []
    if history.last_sent_here_at and history.last_sent_here_at + ask.cooldown > now:
        earliest = max(earliest, history.last_sent_here_at + ask.cooldown)
        reasons.append(f"asked about {ask.touchpoint} within {ask.cooldown.days} days")
    fatigue = policy.fatigue(ask.segment)
    if not ask.overrides_fatigue and history.last_sent_at and history.last_sent_at + fatigue > now:
        earliest = max(earliest, history.last_sent_at + fatigue)
        reasons.append(f"surveyed within {fatigue.days} days ({ask.segment} customers)")
    if history.competing_priority is not None and history.competing_priority > ask.priority:
        earliest = max(earliest, now + RECHECK_AFTER)
        reasons.append("a higher-priority survey goes first")
    outside = after_quiet_hours(earliest, ask.timezone, policy)
    if outside != earliest:
        earliest = outside
        reasons.append(f"quiet hours in {ask.timezone}")
    if earliest >= ask.expires_at:
        return Decision(Verdict.EXPIRE, "; ".join(reasons) + ": would be sent after it expires")
    if earliest == now:
        return Decision(Verdict.SEND, at=now)
    return Decision(Verdict.DEFER, "; ".join(reasons), earliest)


def after_quiet_hours(moment: datetime, timezone: str, policy: ContactPolicy) -> datetime:
    """The moment itself, or the end of the quiet hours it falls in, in the customer's zone."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    start, end = policy.quiet_start, policy.quiet_end
    clock = local.time()
    crosses_midnight = start > end
    quiet = (clock >= start or clock < end) if crosses_midnight else (start <= clock < end)
    if not quiet:
        return moment
    day = local.date() + timedelta(days=1) if crosses_midnight and clock >= start else local.date()
    # In an hour a DST change repeats, the clock can read "quiet" on its second pass after
    # the end (reached on the first pass) has gone by: then the moment is already allowed.
    return max(moment, _local(day, end, zone).astimezone(moment.tzinfo))


def first_send_time(
    occurred_at: datetime, delay: timedelta, local_time: str | None, timezone: str
) -> datetime:
    """When a touchpoint's invitation is first due: after the delay, then at the local hour."""
    due = occurred_at + delay
    if local_time is None:
        return due
    hour, minute = (int(part) for part in local_time.split(":"))
    zone = ZoneInfo(timezone)
    local = due.astimezone(zone)
    candidate = _local(local.date(), time(hour, minute), zone)
    if candidate < local:
        candidate = _local(local.date() + timedelta(days=1), time(hour, minute), zone)
    return candidate.astimezone(due.tzinfo)


def _local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time in a zone; a time skipped by a DST jump is moved past the gap."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    return aware if round_trip == naive else aware + (round_trip - naive)
