"""Times as the reader lives them: in their own time zone (the bank's by default), zone shown.

Everything is stored in UTC. A member of staff sees times in the zone on their user page,
everyone else (customers, staff without one) in the bank's; the zone is written beside each
time as an offset ("UTC+8"), which reads the same in both languages.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import g
from flask_login import current_user

from app.web.brand import brand


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def viewer_zone() -> ZoneInfo:
    """The reader's time zone, worked out once a request."""
    if "viewer_zone" not in g:
        own = getattr(current_user, "timezone", None) if current_user else None
        g.viewer_zone = _zone(own or brand().timezone)
    return g.viewer_zone  # type: ignore[no-any-return]


def offset_label(offset: timedelta | None) -> str:
    """UTC+8, UTC-3:30, UTC: an offset as people write it."""
    minutes = round((offset or timedelta()).total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def in_viewer_zone(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(viewer_zone())


def local_time(moment: datetime | None, *, zone: bool = True) -> str:
    """2026-12-05 09:30 UTC+8 in the reader's zone; a dash for no time."""
    if moment is None:
        return "–"
    local = in_viewer_zone(moment)
    shown = local.strftime("%Y-%m-%d %H:%M")
    return f"{shown} {offset_label(local.utcoffset())}" if zone else shown


def local_date(moment: datetime | date | None) -> str:
    """The reader's calendar day of a moment (a date is shown as it is)."""
    if moment is None:
        return "–"
    if isinstance(moment, datetime):
        return in_viewer_zone(moment).strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d")


def zone_label() -> str:
    """The reader's zone for a table heading: "Asia/Shanghai (UTC+8)"."""
    now = datetime.now(UTC).astimezone(viewer_zone())
    return f"{viewer_zone().key} ({offset_label(now.utcoffset())})"


FILTERS = {"local_time": local_time, "local_date": local_date}
GLOBALS = {"zone_label": zone_label}
