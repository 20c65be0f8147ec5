"""When a case's deadline falls, counted in the bank's business hours.

Pure: a calendar (working days and hours, statutory holidays, make-up working days such as
China's 调休 weekends) and a start in, a deadline out. Deadlines count only open hours, so a
case opened on Friday evening with an 8-hour SLA is due on Monday afternoon, and a case opened
on the eve of National Day is due after the holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str = "Asia/Shanghai"
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()  # weekend days worked to bridge a holiday

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day not in self.holidays and day.weekday() in self.working_weekdays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.timezone)
        return (
            datetime.combine(day, self.opens, zone),
            datetime.combine(day, self.closes, zone),
        )


def add_business_hours(start: datetime, hours: float, calendar: BusinessCalendar) -> datetime:
    """The moment `hours` of open time after `start` (which may fall outside open hours)."""
    remaining = timedelta(hours=hours)
    day = start.astimezone(ZoneInfo(calendar.timezone)).date()
    while True:
        if calendar.is_working_day(day):
            opens, closes = calendar._window(day)
            begin = max(opens, start)
            if begin < closes:
                if begin + remaining <= closes:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= closes - begin
        day += timedelta(days=1)


def business_seconds(start: datetime, end: datetime, calendar: BusinessCalendar) -> float:
    """Open time between two moments, in seconds (0 when end is not after start)."""
    if end <= start:
        return 0.0
    total = 0.0
    zone = ZoneInfo(calendar.timezone)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if calendar.is_working_day(day):
            opens, closes = calendar._window(day)
            overlap = min(closes, end) - max(opens, start)
            total += max(overlap.total_seconds(), 0.0)
        day += timedelta(days=1)
    return total


@dataclass(frozen=True)
class Deadlines:
    first_contact: datetime
    resolve: datetime


def deadlines(
    opened_at: datetime,
    first_contact_hours: float,
    resolve_hours: float,
    calendar: BusinessCalendar,
    paused_seconds: float = 0,
) -> Deadlines:
    """A case's two deadlines; time spent waiting on the customer moves the resolve deadline."""
    return Deadlines(
        first_contact=add_business_hours(opened_at, first_contact_hours, calendar),
        resolve=add_business_hours(opened_at, resolve_hours + paused_seconds / 3600, calendar),
    )


def china_calendar(
    years: range, opens: time = time(9, 0), closes: time = time(18, 0)
) -> BusinessCalendar:
    """Mainland China's statutory holidays and 调休 make-up days, from `chinese-calendar`.

    Years the package has no data for fall back to plain weekdays (it knows up to its release).
    """
    import chinese_calendar

    holidays: set[date] = set()
    makeup: set[date] = set()
    for year in years:
        try:
            start, end = date(year, 1, 1), date(year, 12, 31)
            holidays |= set(chinese_calendar.get_holidays(start, end, include_weekends=False))
            makeup |= {
                d
                for d in chinese_calendar.get_workdays(start, end, include_weekends=True)
                if d.weekday() >= 5
            }
        except NotImplementedError:
            continue
    return BusinessCalendar(
        opens=opens,
        closes=closes,
        holidays=frozenset(holidays),
        makeup_workdays=frozenset(makeup),
    )
