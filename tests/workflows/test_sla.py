"""Deadlines in business hours, with time passed in: weekends, holidays, 调休 and pauses."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from workflows.sla import (
    BusinessCalendar,
    add_business_hours,
    business_seconds,
    china_calendar,
    deadlines,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAIN = BusinessCalendar()


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 11, 23, 10, 0), 4, at(2026, 11, 23, 14, 0)),  # Monday, within the day
        (at(2026, 11, 23, 16, 0), 4, at(2026, 11, 24, 11, 0)),  # runs over into Tuesday
        (at(2026, 11, 27, 17, 0), 8, at(2026, 11, 30, 16, 0)),  # Friday evening to Monday
        (at(2026, 11, 28, 11, 0), 2, at(2026, 11, 30, 11, 0)),  # opened on Saturday
        (at(2026, 11, 23, 7, 0), 1, at(2026, 11, 23, 10, 0)),  # before opening
        (at(2026, 11, 23, 20, 0), 9, at(2026, 11, 24, 18, 0)),  # after closing, a full day
        (at(2026, 11, 23, 18, 0), 1, at(2026, 11, 24, 10, 0)),  # the minute it closes
        (at(2026, 11, 23, 17, 0), 1, at(2026, 11, 23, 18, 0)),  # due the minute it closes
    ],
)
def test_deadlines_count_only_open_hours(start, hours, due):
    assert add_business_hours(start, hours, PLAIN) == due


@pytest.mark.parametrize(
    ("zone", "start", "due"),
    [
        (UTC, (2026, 11, 23, 2, 0), (2026, 11, 23, 3, 0)),  # 10:00 in Shanghai
        (ZoneInfo("America/New_York"), (2026, 11, 22, 21, 0), (2026, 11, 22, 22, 0)),
    ],
)
def test_the_deadline_is_given_in_the_zone_it_was_asked_in(zone, start, due):
    deadline = add_business_hours(datetime(*start, tzinfo=zone), 1, PLAIN)
    assert (deadline.tzinfo, deadline.replace(tzinfo=None)) == (zone, datetime(*due))


def test_the_calendars_own_zone_decides_which_day_it_is():
    """Each hour is counted on the bank's own day, not the UTC one.

    17:00 on a Monday in Los Angeles is already Tuesday in UTC; 10:00 on a Tuesday in Sydney is
    still Monday in UTC.
    """
    los_angeles = BusinessCalendar(timezone="America/Los_Angeles")
    monday_5pm = datetime(2026, 11, 23, 17, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    tuesday_10am = monday_5pm.replace(day=24, hour=10)
    assert add_business_hours(monday_5pm, 2, los_angeles) == tuesday_10am
    assert business_seconds(monday_5pm, monday_5pm.replace(minute=30), los_angeles) == 30 * 60
    sydney = BusinessCalendar(timezone="Australia/Sydney")
    monday_5pm = datetime(2026, 11, 23, 17, 0, tzinfo=ZoneInfo("Australia/Sydney"))
    tuesday_10am = monday_5pm.replace(day=24, hour=10)
    assert business_seconds(monday_5pm, tuesday_10am, sydney) == 2 * 3600


def test_national_day_holidays_are_skipped():
    calendar = china_calendar(range(2026, 2027))
    eve = at(2026, 9, 30, 17, 0)
    due = add_business_hours(eve, 2, calendar)
    assert due.date() > date(2026, 10, 7)  # the Golden Week is closed
    assert calendar.is_working_day(due.astimezone(SHANGHAI).date())


def test_a_tiaoxiu_saturday_is_a_working_day():
    calendar = china_calendar(range(2026, 2027))
    makeup = date(2026, 10, 10)  # a Saturday worked to bridge National Day
    assert makeup.weekday() == 5 and calendar.is_working_day(makeup)
    friday_evening = at(2026, 10, 9, 17, 0)
    assert add_business_hours(friday_evening, 2, calendar) == at(2026, 10, 10, 10, 0)


def test_a_year_without_data_falls_back_to_weekdays():
    calendar = china_calendar(range(2099, 2100))
    assert calendar.is_working_day(date(2099, 10, 1))  # a Thursday, no holiday data


def test_a_year_without_data_does_not_drop_the_years_after_it():
    calendar = china_calendar(range(2003, 2027))  # the package's data begins in 2004
    assert not calendar.is_working_day(date(2026, 1, 1))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), False),  # National Day, the first year of the range
        (date(2025, 10, 11), True),  # its 调休 Saturday
        (date(2026, 1, 1), False),  # New Year's Day, a Thursday
        (date(2026, 1, 2), False),  # the bridge Friday
        (date(2026, 1, 4), True),  # the Sunday worked for it
        (date(2026, 10, 10), True),
    ],
)
def test_every_year_of_the_range_has_its_holidays_and_makeup_days(day, working):
    assert china_calendar(range(2025, 2027)).is_working_day(day) is working


def test_a_case_opened_on_new_years_eve_is_due_after_the_holiday():
    """Closed 1-3 January 2026; Sunday the 4th is worked in their place."""
    calendar = china_calendar(range(2025, 2027))
    assert add_business_hours(at(2025, 12, 31, 17, 0), 2, calendar) == at(2026, 1, 4, 10, 0)


def test_a_china_calendar_keeps_the_banks_own_hours():
    calendar = china_calendar(range(2026, 2027), opens=time(8, 30), closes=time(17, 0))
    assert add_business_hours(at(2026, 11, 23, 16, 0), 2, calendar) == at(2026, 11, 24, 9, 30)


def test_business_seconds_between_two_moments():
    friday, monday = at(2026, 11, 27, 17, 0), at(2026, 11, 30, 10, 0)
    assert business_seconds(friday, monday, PLAIN) == 2 * 3600
    assert business_seconds(monday, friday, PLAIN) == 0


def test_a_wait_from_after_closing_counts_only_the_next_mornings_hours():
    assert business_seconds(at(2026, 11, 23, 20, 0), at(2026, 11, 24, 10, 0), PLAIN) == 3600


def test_waiting_on_the_customer_moves_only_the_resolve_deadline():
    opened = at(2026, 11, 23, 9, 0)
    plain = deadlines(opened, 4, 16, PLAIN)
    paused = deadlines(opened, 4, 16, PLAIN, paused_seconds=3 * 3600)
    assert plain.first_contact == paused.first_contact == at(2026, 11, 23, 13, 0)
    assert plain.resolve == at(2026, 11, 24, 16, 0)
    assert paused.resolve == at(2026, 11, 25, 10, 0)
