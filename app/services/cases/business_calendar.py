"""The bank's business calendar as an admin keeps it: hours, holidays and make-up working days.

The SLA clock counts only these hours. Until anything is saved, the environment's calendar
(BUSINESS_HOURS, HOLIDAYS, read into app.config["BUSINESS_CALENDAR"] and handed in here as
`default`) stands in, whole. The first change an admin makes writes that calendar down first,
its hours as the hours row and its days as calendar days, so the change is the only difference;
from then on the rows are the whole calendar. It is read at every use (one row and the days, a
few hundred at most), so a change applies at the next request or job run in every process.
Deadlines are stored on a case when it opens, so a change moves no open case's deadline.

`chinese-calendar` is imported with the module, not when first used: the environment's default
(HOLIDAYS=china) loads it when the app starts anyway, and it takes a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import chinese_calendar
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import BusinessHours, CalendarDay
from app.services.governance.edits import apply_edit, record_action
from workflows.sla import BusinessCalendar

HOURS_SUBJECT = "calendar:hours"
HOURS_FIELDS = frozenset({"timezone", "opens", "closes", "working_weekdays"})
DAY_FIELDS = frozenset({"day", "kind", "name"})
HOLIDAY, WORKDAY = "holiday", "workday"


class CalendarRefused(ValueError):
    """A change the calendar cannot take, said so the admin knows what to do instead."""


@dataclass(frozen=True)
class YearDay:
    """A holiday or make-up working day as the year's page lists it."""

    day: date
    kind: str
    name: str
    id: int | None  # None: the environment's day, not saved (nothing is, yet)


def business_calendar(session: Session, *, default: BusinessCalendar) -> BusinessCalendar:
    """The calendar in force: the saved one, or `default` while nothing is saved."""
    hours = session.get(BusinessHours, 1)
    if hours is None:
        return default
    days = session.execute(sa.select(CalendarDay.day, CalendarDay.kind)).all()
    return BusinessCalendar(
        timezone=hours.timezone,
        opens=time.fromisoformat(hours.opens),
        closes=time.fromisoformat(hours.closes),
        working_weekdays=frozenset(hours.working_weekdays),
        holidays=frozenset(day for day, kind in days if kind == HOLIDAY),
        makeup_workdays=frozenset(day for day, kind in days if kind == WORKDAY),
    )


def calendar_saved(session: Session) -> bool:
    """Whether an admin has saved the calendar (else the environment's stands in)."""
    return session.get(BusinessHours, 1) is not None


def days_of_year(session: Session, year: int, *, default: BusinessCalendar) -> list[YearDay]:
    """The year's holidays and make-up working days, by date, as they are in force."""
    if calendar_saved(session):
        rows = session.scalars(
            sa.select(CalendarDay).where(_in_year(year)).order_by(CalendarDay.day)
        )
        return [YearDay(row.day, row.kind, row.name, row.id) for row in rows]
    return [
        YearDay(day, kind, _statutory_name(day), None)
        for day, kind in sorted(_days_of(default).items())
        if day.year == year
    ]


def years_saved(session: Session) -> list[int]:
    """The years that have days saved, in order."""
    year = sa.extract("year", CalendarDay.day)
    return [int(y) for y in session.scalars(sa.select(year).distinct().order_by(year))]


def save_hours(
    session: Session, values: dict[str, Any], *, default: BusinessCalendar, actor: str
) -> None:
    """Store the opening hours and working weekdays, on the audit log."""
    hours = _written_down(session, default, actor)
    apply_edit(session, hours, values, HOURS_FIELDS, actor=actor, action="calendar.update",
               subject=HOURS_SUBJECT)  # fmt: skip


def add_day(
    session: Session, values: dict[str, Any], *, default: BusinessCalendar, actor: str
) -> CalendarDay:
    """A new holiday or make-up working day; a date already in the calendar is refused."""
    _written_down(session, default, actor)
    if session.scalar(sa.select(CalendarDay.id).where(CalendarDay.day == values["day"])):
        raise CalendarRefused(_l("This day is already in the calendar: change it in the list."))
    day = CalendarDay()
    session.add(day)
    apply_edit(session, day, values, DAY_FIELDS, actor=actor, action="calendar_day.create",
               subject=day_subject(values["day"]))  # fmt: skip
    return day


def update_day(session: Session, day: CalendarDay, values: dict[str, Any], *, actor: str) -> None:
    """Change a saved day's kind or name (its date is what it is: remove it and add another)."""
    apply_edit(session, day, values, DAY_FIELDS - {"day"}, actor=actor,
               action="calendar_day.update", subject=day_subject(day.day))  # fmt: skip


def remove_day(session: Session, day: CalendarDay, *, actor: str) -> None:
    """Take a saved day out of the calendar, saying on the log what it was."""
    record_action(session, actor=actor, action="calendar_day.delete",
                  subject=day_subject(day.day), kind=day.kind, name=day.name)  # fmt: skip
    session.delete(day)
    session.flush()


def prefill_year(session: Session, year: int, *, default: BusinessCalendar, actor: str) -> int:
    """Add the year's statutory holidays and 调休 make-up working days from chinese-calendar;
    the number added. Days already in the calendar (an admin's, or an earlier fill's) stay."""
    statutory = statutory_days(year)
    _written_down(session, default, actor)
    taken = set(session.scalars(sa.select(CalendarDay.day).where(_in_year(year))))
    added = [
        CalendarDay(day=day, kind=kind, name=name)
        for day, (kind, name) in sorted(statutory.items())
        if day not in taken
    ]
    session.add_all(added)
    session.flush()
    record_action(session, actor=actor, action="calendar.prefill", subject=year_subject(year),
                  source="chinese-calendar", added=len(added))  # fmt: skip
    return len(added)


def statutory_days(year: int) -> dict[date, tuple[str, str]]:
    """Mainland China's holidays and make-up working days of a year: {day: (kind, name)}.

    The package knows the years the State Council had published when it was released (each
    year's in the autumn before); a year it does not know is refused, never guessed.
    """
    first = date(year, 1, 1)
    try:
        chinese_calendar.get_holiday_detail(first)
    except NotImplementedError:
        known = sorted({day.year for day in chinese_calendar.holidays})
        raise CalendarRefused(
            _l(
                "China's statutory calendar for %(year)d is not in the installed chinese-calendar "
                "package, which knows %(first)d to %(last)d. Add the days by hand, or update the "
                "package once that year's holidays are published.",
                year=year,
                first=known[0],
                last=known[-1],
            )
        ) from None
    found: dict[date, tuple[str, str]] = {}
    for offset in range((date(year + 1, 1, 1) - first).days):
        day = first + timedelta(days=offset)
        off, english = chinese_calendar.get_holiday_detail(day)
        if english:  # a named day: the holiday itself, or a weekend worked to bridge it
            found[day] = (HOLIDAY if off else WORKDAY, _bilingual(english))
    return found


def day_subject(day: date) -> str:
    return f"calendar_day:{day.isoformat()}"


def year_subject(year: int) -> str:
    return f"calendar:{year}"


def _written_down(session: Session, default: BusinessCalendar, actor: str) -> BusinessHours:
    """The hours row; before the first change, the environment's calendar is saved as it is."""
    hours = session.get(BusinessHours, 1)
    if hours is not None:
        return hours
    hours = BusinessHours(
        id=1,
        timezone=default.timezone,
        opens=_clock(default.opens),
        closes=_clock(default.closes),
        working_weekdays=sorted(default.working_weekdays),
    )
    days = [
        CalendarDay(day=day, kind=kind, name=_statutory_name(day))
        for day, kind in _days_of(default).items()
    ]
    session.add_all([hours, *days])
    session.flush()
    record_action(session, actor=actor, action="calendar.prefill", subject=HOURS_SUBJECT,
                  source="environment", opens=hours.opens, closes=hours.closes,
                  timezone=hours.timezone, added=len(days))  # fmt: skip
    return hours


def _days_of(calendar: BusinessCalendar) -> dict[date, str]:
    return {day: HOLIDAY for day in calendar.holidays} | {
        day: WORKDAY for day in calendar.makeup_workdays
    }


def _in_year(year: int) -> sa.ColumnElement[bool]:
    return CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))


def _statutory_name(day: date) -> str:
    """The package's name for a day of the environment's calendar ("" if it has none)."""
    try:
        english = chinese_calendar.get_holiday_detail(day)[1]
    except NotImplementedError:
        return ""
    return _bilingual(english) if english else ""


def _bilingual(english: str) -> str:
    """The name in both of the bank's languages, as the package has them: 春节 / Spring Festival."""
    return f"{chinese_calendar.Holiday(english).chinese} / {english}"


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")
