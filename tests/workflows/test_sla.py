"""Deadlines in business hours, with time passed in: weekends, holidays, 调休 and pauses."""

from datetime import UTC, date, datetime
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
    ],
)
def test_deadlines_count_only_open_hours(start, hours, due):
    assert add_business_hours(start, hours, PLAIN) == due


def test_the_deadline_is_given_in_the_zone_it_was_asked_in():
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert add_business_hours(start, 1, PLAIN) == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


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


def test_business_seconds_between_two_moments():
    friday, monday = at(2026, 11, 27, 17, 0), at(2026, 11, 30, 10, 0)
    assert business_seconds(friday, monday, PLAIN) == 2 * 3600
    assert business_seconds(monday, friday, PLAIN) == 0


def test_waiting_on_the_customer_moves_only_the_resolve_deadline():
    opened = at(2026, 11, 23, 9, 0)
    plain = deadlines(opened, 4, 16, PLAIN)
    paused = deadlines(opened, 4, 16, PLAIN, paused_seconds=3 * 3600)
    assert plain.first_contact == paused.first_contact == at(2026, 11, 23, 13, 0)
    assert plain.resolve == at(2026, 11, 24, 16, 0)
    assert paused.resolve == at(2026, 11, 25, 10, 0)
