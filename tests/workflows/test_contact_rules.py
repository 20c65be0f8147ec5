"""Contact rules, one test each, with time passed in (frozen) and DST changes around them."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from workflows.contact_rules import (
    Ask,
    ContactHistory,
    ContactPolicy,
    Decision,
    Verdict,
    after_quiet_hours,
    decide,
    first_send_time,
)

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LATE = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEXT_MORNING = datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)  # when the quiet hours end
POLICY = ContactPolicy()
NO_QUIET_HOURS = ContactPolicy(quiet_start=time(0, 0), quiet_end=time(0, 0))
LUNCH = ContactPolicy(quiet_start=time(12, 0), quiet_end=time(14, 0))


def ask(**overrides):
    fields = {
        "touchpoint": "branch_visit",
        "priority": 50,
        "cooldown": timedelta(days=30),
        "overrides_fatigue": False,
        "expires_at": NOW + timedelta(days=14),
        "segment": "mass",
        "timezone": "Asia/Shanghai",
        "opted_out": False,
    }
    return Ask(**{**fields, **overrides})


def last_sent(days_ago):
    return ContactHistory(last_sent_at=NOW - timedelta(days=days_ago))


def wall_clock(moment):
    """The zone and the time its clock shows: equal instants in two zones read differently."""
    return moment.tzinfo, moment.replace(tzinfo=None)


def test_a_fresh_customer_is_asked_now():
    assert decide(ask(), ContactHistory(), POLICY, NOW) == Decision(Verdict.SEND, at=NOW)


def test_at_most_one_survey_per_n_days_defers_to_the_end_of_the_window():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=20))
    decision = decide(ask(), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER
    assert "within 30 days" in decision.reason
    assert decision.at is not None and decision.at >= NOW + timedelta(days=10)


def test_a_deferral_past_expiry_expires_with_its_reason():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=1))
    decision = decide(ask(), history, POLICY, NOW)
    assert decision.verdict == Verdict.EXPIRE
    assert "within 30 days" in decision.reason and "after it expires" in decision.reason


def test_a_deferral_within_expiry_is_kept_for_later():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=25))
    decision = decide(ask(), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER
    assert decision.at == after_quiet_hours(NOW + timedelta(days=5), "Asia/Shanghai", POLICY)


def test_the_fatigue_window_depends_on_the_segment():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=40))
    assert decide(ask(segment="mass"), history, POLICY, NOW).verdict == Verdict.SEND
    vip = decide(ask(segment="vip", expires_at=NOW + timedelta(days=30)), history, POLICY, NOW)
    assert vip.verdict == Verdict.DEFER and "within 60 days (vip" in vip.reason


@pytest.mark.parametrize(("segment", "days"), [("mass", 30), ("private", 45), ("vip", 60)])
def test_each_segments_fatigue_window_ends_on_its_last_day(segment, days):
    held = decide(ask(segment=segment), last_sent(days - 1), POLICY, NOW)
    assert (held.verdict, held.reason, held.at) == (
        Verdict.DEFER,
        f"surveyed within {days} days ({segment} customers)",
        NOW + timedelta(days=1),
    )
    assert decide(ask(segment=segment), last_sent(days), POLICY, NOW).verdict == Verdict.SEND


def test_a_complaint_overrides_fatigue_but_not_the_opt_out():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=1))
    complaint = ask(touchpoint="complaint_resolution", overrides_fatigue=True, priority=90)
    assert decide(complaint, history, POLICY, NOW).verdict == Verdict.SEND
    opted_out = decide(ask(overrides_fatigue=True, opted_out=True), ContactHistory(), POLICY, NOW)
    assert (opted_out.verdict, opted_out.reason) == (
        Verdict.SUPPRESS,
        "customer opted out of surveys",
    )


def test_a_cooldown_per_touchpoint_holds_even_for_complaints():
    history = ContactHistory(last_sent_here_at=NOW - timedelta(days=2))
    decision = decide(ask(overrides_fatigue=True, cooldown=timedelta(days=7)), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER and "branch_visit within 7 days" in decision.reason


def test_a_higher_priority_survey_goes_first():
    history = ContactHistory(competing_priority=90)
    decision = decide(ask(priority=50), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER and "higher-priority" in decision.reason
    assert decide(ask(priority=90), ContactHistory(competing_priority=50), POLICY, NOW).verdict == (
        Verdict.SEND
    )


def test_the_higher_priority_survey_is_checked_again_a_quarter_hour_later():
    decision = decide(ask(priority=50), ContactHistory(competing_priority=90), POLICY, NOW)
    assert decision == Decision(
        Verdict.DEFER, "a higher-priority survey goes first", NOW + timedelta(minutes=15)
    )


def test_two_surveys_of_equal_priority_do_not_hold_each_other_back():
    """Otherwise each would defer to the other, and neither would ever be sent."""
    decision = decide(ask(priority=50), ContactHistory(competing_priority=50), POLICY, NOW)
    assert decision == Decision(Verdict.SEND, at=NOW)


def test_quiet_hours_hold_until_the_morning_in_the_customers_zone():
    decision = decide(ask(), ContactHistory(), POLICY, LATE)
    assert decision.verdict == Verdict.DEFER and "quiet hours" in decision.reason
    assert decision.at.astimezone(ZoneInfo("Asia/Shanghai")) == datetime(
        2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    same_moment_in_london = decide(ask(timezone="Europe/London"), ContactHistory(), POLICY, LATE)
    assert same_moment_in_london.verdict == Verdict.SEND  # 15:00 there


def test_an_invitation_expiring_this_very_moment_is_not_sent():
    decision = decide(ask(expires_at=NOW), ContactHistory(), POLICY, NOW)
    assert decision == Decision(Verdict.EXPIRE, "expired before it could be sent")


def test_a_deferral_landing_exactly_on_the_expiry_expires():
    """Asked about this touchpoint 25 days ago: both 30-day windows end as the invitation does."""
    sent = NOW - timedelta(days=25)
    history = ContactHistory(last_sent_at=sent, last_sent_here_at=sent)
    decision = decide(ask(expires_at=NOW + timedelta(days=5)), history, POLICY, NOW)
    assert decision == Decision(
        Verdict.EXPIRE,
        "asked about branch_visit within 30 days; surveyed within 30 days (mass customers): "
        "would be sent after it expires",
    )


def test_a_deferral_that_ends_in_quiet_hours_waits_for_the_morning_and_says_both():
    history = ContactHistory(
        last_sent_here_at=NOW + timedelta(hours=9) - timedelta(days=7),  # cooldown ends 21:00
        last_sent_at=NOW + timedelta(hours=10) - timedelta(days=30),  # fatigue ends at 22:00
    )
    decision = decide(ask(cooldown=timedelta(days=7)), history, POLICY, NOW)
    assert decision == Decision(
        Verdict.DEFER,
        "asked about branch_visit within 7 days; surveyed within 30 days (mass customers); "
        "quiet hours in Asia/Shanghai",
        NEXT_MORNING,
    )


@pytest.mark.parametrize(
    "history",
    [
        ContactHistory(last_sent_here_at=LATE - timedelta(days=30)),
        ContactHistory(last_sent_at=LATE - timedelta(days=30)),
    ],
    ids=["cooldown", "fatigue"],
)
def test_a_window_ending_this_very_moment_no_longer_holds_the_invitation(history):
    """At 23:00 only the quiet hours hold it; a window that has just ended is no reason."""
    decision = decide(ask(), history, POLICY, LATE)
    assert decision == Decision(
        Verdict.DEFER,
        "quiet hours in Asia/Shanghai",
        NEXT_MORNING,
    )


@pytest.mark.parametrize(
    ("moment_utc", "expected_local"),
    [
        # New York falls back on 2026-11-01 (02:00 EDT -> 01:00 EST): the morning is 08:00 EST.
        (datetime(2026, 11, 1, 3, 30, tzinfo=UTC), datetime(2026, 11, 1, 8, 0)),
        # New York springs forward on 2026-03-08 (02:00 EST -> 03:00 EDT): 08:00 is EDT.
        (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 8, 0)),
    ],
)
def test_quiet_hours_end_at_eight_local_time_across_dst_changes(moment_utc, expected_local):
    zone = ZoneInfo("America/New_York")
    after = after_quiet_hours(moment_utc, "America/New_York", POLICY)
    assert after.astimezone(zone).replace(tzinfo=None) == expected_local
    assert after.tzinfo == UTC


def test_a_quiet_window_inside_one_day_is_honoured():
    lunch = ContactPolicy(quiet_start=time(12, 0), quiet_end=time(14, 0))
    noon_shanghai = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)
    after = after_quiet_hours(noon_shanghai, "Asia/Shanghai", lunch)
    assert after == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def test_next_morning_after_a_loan_approval():
    approved = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    due = first_send_time(approved, timedelta(hours=1), "09:30", "Asia/Shanghai")
    assert due == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 the next day


def test_a_local_send_time_skipped_by_dst_moves_past_the_gap():
    evening = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST on the spring-forward night
    due = first_send_time(evening, timedelta(0), "02:30", "America/New_York")
    assert due.astimezone(ZoneInfo("America/New_York")).hour == 3


@pytest.mark.parametrize(
    ("policy", "clock", "sent_at"),
    [
        (POLICY, (23, 20, 59), (23, 20, 59)),
        (POLICY, (23, 21, 0), (24, 8, 0)),  # the minute quiet hours start
        (POLICY, (24, 7, 59), (24, 8, 0)),
        (POLICY, (24, 8, 0), (24, 8, 0)),  # the minute they end
        (LUNCH, (23, 11, 59), (23, 11, 59)),
        (LUNCH, (23, 12, 0), (23, 14, 0)),
        (LUNCH, (23, 15, 0), (23, 15, 0)),  # a window inside one day does not wrap round
        (NO_QUIET_HOURS, (23, 0, 0), (23, 0, 0)),  # start = end: no quiet hours at all
        (NO_QUIET_HOURS, (23, 23, 0), (23, 23, 0)),
    ],
)
def test_quiet_hours_to_the_minute(policy, clock, sent_at):
    """Quiet hours hold from their first minute and are over at their last.

    Clocks are (day of November 2026, hour, minute) in Shanghai; the answer reads on that clock.
    """
    moment = datetime(2026, 11, *clock, tzinfo=SHANGHAI)
    after = after_quiet_hours(moment, "Asia/Shanghai", policy)
    assert wall_clock(after) == wall_clock(datetime(2026, 11, *sent_at, tzinfo=SHANGHAI))


@pytest.mark.parametrize(
    ("zone", "occurred", "delay", "send_at", "due"),
    [
        ("Asia/Shanghai", (2026, 11, 23, 8, 0), 0, "09:30", (2026, 11, 23, 9, 30)),
        ("Asia/Shanghai", (2026, 11, 23, 9, 30), 0, "09:30", (2026, 11, 23, 9, 30)),  # that minute
        ("Asia/Shanghai", (2026, 11, 23, 9, 0), 1, "09:30", (2026, 11, 24, 9, 30)),  # delayed past
        ("America/New_York", (2026, 11, 23, 21, 0), 1, "23:00", (2026, 11, 23, 23, 0)),
        ("America/New_York", (2026, 3, 8, 0, 0), 0, "02:30", (2026, 3, 8, 3, 30)),  # DST gap
    ],
)
def test_first_send_time_on_the_customers_clock(zone, occurred, delay, send_at, due):
    """Due at the local hour on or after the delay (hours); read on the clock it was given on.

    New York is west of UTC, so 23:00 there is already tomorrow in UTC; 02:30 does not exist on
    the night the clocks spring forward.
    """
    occurred_at = datetime(*occurred, tzinfo=ZoneInfo(zone))
    first = first_send_time(occurred_at, timedelta(hours=delay), send_at, zone)
    assert wall_clock(first) == wall_clock(datetime(*due, tzinfo=ZoneInfo(zone)))


def test_quiet_hours_ending_in_the_hour_dst_repeats_never_move_a_send_earlier():
    """New York's clocks go back at 02:00 on 1 Nov 2026, so 01:00-02:00 happens twice."""
    ends_at_half_past_one = ContactPolicy(quiet_start=time(22, 0), quiet_end=time(1, 30))
    first_pass = datetime(2026, 11, 1, 5, 15, tzinfo=UTC)  # 01:15 EDT: still quiet
    second_pass = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # 01:15 EST: the end went by at 05:30
    new_york = "America/New_York"
    assert after_quiet_hours(first_pass, new_york, ends_at_half_past_one) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    assert after_quiet_hours(second_pass, new_york, ends_at_half_past_one) == second_pass
